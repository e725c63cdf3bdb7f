#include "runtime/node_core.hpp"

#include <algorithm>

#include "runtime/log.hpp"

namespace stratus::runtime::detail {

node_core::node_core(runtime::node& owner_node, node_options options,
                     std::shared_ptr<const runtime::config> config)
    : owner(owner_node), opts(options), cfg(std::move(config)) {
  const int n = std::max(1, opts.threads);
  workers.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<worker>(i));
}

node_core::~node_core() {
  if (started_) {
    stop();
    wait();
  }
  shutdown_all_now();
  stop_lanes();
  for (auto& w : workers) w->drop_pending_handlers();
}

work_lane& node_core::lane(const work_lane_options& o) {
  std::lock_guard lock(lanes_mu_);
  auto it = lanes_.find(o.name);
  if (it == lanes_.end()) it = lanes_.emplace(o.name, std::make_unique<work_lane>(o)).first;
  return *it->second;
}

std::vector<work_lane_stats> node_core::lane_stats() {
  std::lock_guard lock(lanes_mu_);
  std::vector<work_lane_stats> out;
  for (const auto& [name, l] : lanes_) out.push_back(l->stats());
  return out;
}

void node_core::stop_lanes() {
  std::map<std::string, std::unique_ptr<work_lane>, std::less<>> lanes;
  {
    std::lock_guard lock(lanes_mu_);
    lanes.swap(lanes_);
  }
  lanes.clear();
}

address node_core::spawn(std::unique_ptr<service> svc, const handler_table& table, std::string name,
                         int worker_index, bool bind_name) {
  if (stopping()) return no_address;
  const address a = reg.reserve();
  const unsigned w = worker_index >= 0 ? static_cast<unsigned>(worker_index)
                                       : next_worker_.fetch_add(1, std::memory_order_relaxed);
  worker& home = *workers[w % workers.size()];
  service* s = svc.get();
  auto* c = new cell(a, home, std::move(svc), opts.mailbox_warn);
  c->set_name(std::move(name));
  c->set_type(demangle(typeid(*s).name()));
  s->cell_ = c;
  s->core_ = this;
  s->table_ = &table;
  reg.publish(cell_ref(c));  // the registry owns the first reference
  if (bind_name && !reg.bind(c->name(), a)) {
    envelope kill{no_address, 0, message_kind::kill, {}};  // the name is taken: retire it
    c->push(kill);
    return no_address;
  }
  envelope start{no_address, 0, message_kind::start, {}};
  c->push(start);
  return a;
}

address node_core::spawn_named(std::unique_ptr<service> svc, const handler_table& table,
                               std::string name, int worker_index) {
  return spawn(std::move(svc), table, std::move(name), worker_index, true);
}

address node_core::open_port(std::function<void(envelope&)> on_reply) {
  const address a = reg.reserve();
  reg.publish(cell_ref(new cell(a, *workers[0], std::move(on_reply))));
  ports_.fetch_add(1, std::memory_order_acq_rel);  // after: services() never counts below 0
  return a;
}

void node_core::close_port(address a) {
  cell_ref c = reg.find(a);
  if (!c || !c->is_port()) return;
  (void)c->close();
  ports_.fetch_sub(1, std::memory_order_acq_rel);
  on_retired(a);
}

void node_core::on_retired(address a) {
  reg.remove(a);
  if (stopping() && services() == 0) {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
}

void node_core::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  for (auto& w : workers) w->start();
  monitor_ = std::thread([this] { monitor_loop(); });
}

void node_core::stop() {
  if (stopping_.exchange(true)) return;
  for (const cell_ref& c : reg.all()) {
    envelope kill{no_address, 0, message_kind::kill, {}};
    c->push(kill);
  }
  std::lock_guard lock(mu_);
  cv_.notify_all();
}

void node_core::wait() {
  std::unique_lock lock(mu_);
  if (!started_) return;
  cv_.wait(lock, [this] { return stopping(); });
  if (!cv_.wait_for(lock, opts.shutdown_grace, [this] { return services() == 0; })) {
    log::error("{} services did not exit within {} ms of the stop request; stopping anyway",
               services(), opts.shutdown_grace.count());
  }
  monitor_quit_ = true;
  cv_.notify_all();
  lock.unlock();
  for (auto& w : workers) w->stop(true);
  for (auto& w : workers) w->join();
  if (monitor_.joinable()) monitor_.join();
  lock.lock();
  started_ = false;
}

void node_core::shutdown_all_now() {
  // Workers are not running: retire what is left from this thread.
  for (const cell_ref& c : reg.all()) {
    if (service* s = c->svc()) s->retire({});
  }
}

void node_core::monitor_loop() {
  constexpr auto period = std::chrono::milliseconds(100);
  struct seen {
    std::uint64_t version = 0;
    std::chrono::milliseconds stuck{0};
    bool warned = false;
  };
  std::vector<seen> last(workers.size());
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, period, [this] { return monitor_quit_; })) {
    for (std::size_t i = 0; i < workers.size(); ++i) {
      const address running = workers[i]->running.load(std::memory_order_relaxed);
      const std::uint64_t version = workers[i]->version.load(std::memory_order_relaxed);
      seen& s = last[i];
      if (running == no_address || version != s.version) {
        s = {version, std::chrono::milliseconds{0}, false};
        continue;
      }
      s.stuck += period;
      if (!s.warned && s.stuck >= opts.slow_handler) {
        s.warned = true;
        log::request_scope request(workers[i]->request.load(std::memory_order_relaxed));
        log::warn("service {} has been handling one message for {} ms (endless loop?)",
                  format_address(running), s.stuck.count());
      }
    }
  }
}

}  // namespace stratus::runtime::detail
