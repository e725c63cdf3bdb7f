#include "cluster/cluster.hpp"

#include <map>
#include <mutex>
#include <unordered_map>

#include "cluster/link.hpp"
#include "runtime/call_metrics.hpp"
#include "runtime/config.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

namespace stratus::cluster {

namespace {

std::mutex exposed_mu;
std::unordered_map<std::string, std::unique_ptr<detail::exposed_type>>& exposed() {
  static std::unordered_map<std::string, std::unique_ptr<detail::exposed_type>> table;
  return table;
}

std::mutex links_mu;
std::map<const runtime::node*, link*>& links() {
  static std::map<const runtime::node*, link*> table;
  return table;
}

}  // namespace

cluster_options options_from(const runtime::config& cfg) {
  cluster_options o;
  o.servers = cfg.get_strings("cluster");
  o.node_name = cfg.get_string("node_name");
  o.heartbeat = std::chrono::milliseconds(cfg.get_int("cluster_heartbeat_ms"));
  o.dead_after = std::chrono::milliseconds(cfg.get_int("cluster_dead_after_ms"));
  return o;
}

namespace detail {

void add_exposed(const std::string& type, std::unique_ptr<exposed_type> t) {
  std::lock_guard lock(exposed_mu);
  exposed().try_emplace(type, std::move(t));  // kept for good: served calls point to it
}

const exposed_type* find_exposed(const std::string& type) {
  std::lock_guard lock(exposed_mu);
  auto it = exposed().find(type);
  return it == exposed().end() ? nullptr : it->second.get();
}

link* link_of(runtime::node& n) {
  std::lock_guard lock(links_mu);
  auto it = links().find(&n);
  return it == links().end() ? nullptr : it->second;
}

namespace {
// Calls to other nodes end here, not in the runtime's complete_call: count them alike.
void count_outcome(const runtime::result<std::string>& r) {
  if (r.ok())
    runtime::call_metrics::instance().count_ok();
  else
    runtime::call_metrics::instance().count_error(r.error().code);
}
}  // namespace

remote_awaiter::remote_awaiter(runtime::service& self, std::string node, std::string service,
                               std::string type, std::string body,
                               std::chrono::milliseconds timeout)
    : self_(self), node_(std::move(node)), service_(std::move(service)), type_(std::move(type)),
      body_(std::move(body)), timeout_(timeout), st_(std::make_shared<remote_call>()) {}

bool remote_awaiter::await_suspend(std::coroutine_handle<> h) {
  st_->waiter = h;
  st_->svc = &self_;
  st_->request = runtime::log::current_request();
  link* l = link_of(self_.owner());
  if (!l) {
    st_->outcome = call_error{call_errc::node_down, "this node is not in a cluster"};
    return false;
  }
  if (auto refused = l->start_call(node_, service_, type_, body_, timeout_, st_)) {
    st_->outcome = std::move(*refused);
    return false;
  }
  return true;
}

fanout_awaiter::fanout_awaiter(runtime::service& self, std::vector<std::string> nodes,
                               std::string service, std::string type, std::string body,
                               std::chrono::milliseconds timeout)
    : self_(self), nodes_(std::move(nodes)), service_(std::move(service)), type_(std::move(type)),
      body_(std::move(body)), timeout_(timeout) {}

fanout_awaiter::~fanout_awaiter() {
  for (auto& st : calls_) st->alive.store(false, std::memory_order_release);
}

bool fanout_awaiter::await_suspend(std::coroutine_handle<> h) {
  // One count per call, plus one held here until every call is started: a call finishing
  // meanwhile cannot resume the caller before it is suspended.
  auto remaining = std::make_shared<std::atomic<int>>(static_cast<int>(nodes_.size()) + 1);
  link* l = link_of(self_.owner());
  for (const std::string& node : nodes_) {
    auto st = std::make_shared<remote_call>();
    st->waiter = h;
    st->svc = &self_;
    st->request = runtime::log::current_request();
    st->group = remaining;
    calls_.push_back(st);
    std::optional<call_error> refused =
        l ? l->start_call(node, service_, type_, body_, timeout_, st)
          : call_error{call_errc::node_down, "this node is not in a cluster"};
    if (refused && !st->finished.exchange(true)) {
      st->outcome = std::move(*refused);
      remaining->fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  return remaining->fetch_sub(1, std::memory_order_acq_rel) != 1;
}

runtime::result<std::string> remote_awaiter::await_resume() {
  count_outcome(st_->outcome);
  return std::move(st_->outcome);
}

std::vector<runtime::result<std::string>> fanout_awaiter::await_resume() {
  std::vector<runtime::result<std::string>> out;
  out.reserve(calls_.size());
  for (auto& st : calls_) {
    count_outcome(st->outcome);
    out.push_back(std::move(st->outcome));
  }
  return out;
}

}  // namespace detail

runtime::result<runtime::done> send_bytes(runtime::service& self, const std::string& node,
                                          const std::string& service, const std::string& type,
                                          std::string body) {
  link* l = detail::link_of(self.owner());
  if (!l) return call_error{call_errc::node_down, "this node is not in a cluster"};
  if (auto refused = l->send(node, service, type, std::move(body), self.io_context()))
    return std::move(*refused);
  return runtime::done{};
}

bool claim(runtime::service& self, const std::string& name) {
  link* l = detail::link_of(self.owner());
  return l && l->claim(name);
}

std::optional<std::string> owner_of(runtime::service& self, const std::string& name) {
  link* l = detail::link_of(self.owner());
  return l ? l->owner_of(name) : std::nullopt;
}

std::vector<std::string> live_nodes(runtime::service& self) {
  link* l = detail::link_of(self.owner());
  return l ? l->live_nodes() : std::vector<std::string>{};
}

std::optional<std::chrono::steady_clock::time_point> up_since(runtime::service& self,
                                                              const std::string& node) {
  link* l = detail::link_of(self.owner());
  return l ? l->up_since(node) : std::nullopt;
}

std::string node_name(runtime::service& self) {
  link* l = detail::link_of(self.owner());
  return l ? l->name() : std::string();
}

cluster_service::cluster_service(cluster_options opts) : opts_(std::move(opts)) {}

cluster_service::~cluster_service() {
  if (link_) {
    std::lock_guard lock(links_mu);
    links().erase(&owner());
  }
}

void cluster_service::on_start() {
  link_ = std::make_shared<link>(owner(), opts_);
  {
    std::lock_guard lock(links_mu);
    links()[&owner()] = link_.get();
  }
  link_->start();
  fork(ticks());
}

void cluster_service::on_stop() {
  {
    std::lock_guard lock(links_mu);
    links().erase(&owner());
  }
  if (link_) link_->close();
}

runtime::task<void> cluster_service::ticks() {
  const auto step = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(20), opts_.heartbeat);
  while (!exiting()) {
    link_->tick(clock::now());
    co_await sleep(step);
  }
}

}  // namespace stratus::cluster
