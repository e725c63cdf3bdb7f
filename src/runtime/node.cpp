#include "runtime/node.hpp"

#include <stdexcept>

#include "runtime/clocks.hpp"
#include "runtime/log.hpp"
#include "runtime/node_core.hpp"

namespace stratus::runtime {

namespace {

/// Runs one coroutine given to node::exec, then exits.
class runner final : public service {
 public:
  runner(std::function<task<void>(service&)> body, std::promise<void> done)
      : body_(std::move(body)), done_(std::move(done)) {}
  void on_start() override { fork(run()); }

 private:
  task<void> run() {
    try {
      co_await body_(*this);
      done_.set_value();
    } catch (...) {
      done_.set_exception(std::current_exception());
    }
    settled_ = true;
    exit();
  }
  void on_stop() override {
    if (!settled_) done_.set_exception(std::make_exception_ptr(std::runtime_error("node stopped")));
  }

  std::function<task<void>(service&)> body_;
  std::promise<void> done_;
  bool settled_ = false;
};

}  // namespace

node::node(node_options opts, std::shared_ptr<const runtime::config> cfg)
    : core_(std::make_unique<detail::node_core>(*this, opts, std::move(cfg))) {}

node::~node() = default;

address node::spawn(std::unique_ptr<service> svc, const detail::handler_table& table,
                    const char* type_name, std::string unique_name, int worker) {
  if (unique_name.empty()) return core_->spawn(std::move(svc), table, demangle(type_name), worker);
  return core_->spawn_named(std::move(svc), table, std::move(unique_name), worker);
}

void node::start() {
  core_->start();
}
void node::wait() {
  core_->wait();
}
void node::run() {
  core_->start();
  core_->wait();
}
void node::stop() {
  core_->stop();
}

bool node::post_from_outside(address to, payload body) {
  envelope env{no_address, 0, message_kind::send, std::move(body), log::current_request()};
  return post(to, env);
}

std::future<void> node::exec(std::function<task<void>(service&)> body) {
  std::promise<void> done;
  std::future<void> f = done.get_future();
  launch_service<runner>(std::move(body), std::move(done));
  return f;
}

address node::lookup(std::string_view name) const {
  return core_->reg.lookup(name);
}

std::vector<work_lane_stats> node::work_lanes() const {
  return core_->lane_stats();
}

std::vector<service_stats> node::stats() const {
  std::vector<service_stats> out;
  for (const cell_ref& c : core_->reg.all()) {
    if (c->is_port()) continue;
    out.push_back({c->addr(), c->name_copy(), c->type(), c->home().index(),
                   c->handled.load(std::memory_order_relaxed),
                   c->queued.load(std::memory_order_relaxed),
                   cycles_to_ns(c->cpu_cycles.load(std::memory_order_relaxed)), c->note_copy()});
  }
  return out;
}

bool node::kill(address to) {
  cell_ref c = core_->reg.find(to);
  if (!c) return false;
  envelope env{no_address, 0, message_kind::kill, {}};
  return c->push(env);
}

std::size_t node::service_count() const {
  return core_->services();
}

address node::open_port(std::function<void(envelope&)> on_reply) {
  return core_->open_port(std::move(on_reply));
}

void node::close_port(address port) {
  core_->close_port(port);
}

bool node::post(address to, envelope& env) {
  cell_ref c = core_->reg.find(to);
  return c && !c->is_port() && c->push(env);
}

bool node::post_all(address to, std::vector<envelope>& envs) {
  cell_ref c = core_->reg.find(to);
  return c && c->push_all(envs);
}
int node::threads() const noexcept {
  return static_cast<int>(core_->workers.size());
}
boost::asio::io_context& node::io_context(int worker) const {
  return core_->workers.at(static_cast<std::size_t>(worker))->io_context();
}
const runtime::config& node::config() const {
  if (!core_->cfg) throw std::logic_error("this node was built without a config");
  return *core_->cfg;
}
const node_options& node::options() const noexcept {
  return core_->opts;
}

}  // namespace stratus::runtime
