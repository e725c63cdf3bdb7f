#pragma once
#include <atomic>
#include <map>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "runtime/node.hpp"
#include "runtime/registry.hpp"
#include "runtime/work_lane.hpp"
#include "runtime/worker.hpp"

namespace stratus::runtime::detail {

/// The node's state shared by services: workers, the registry, service types, shutdown.
class node_core {
 public:
  node_core(runtime::node& owner, node_options opts, std::shared_ptr<const runtime::config> cfg);
  ~node_core();

  runtime::node& owner;
  const node_options opts;
  const std::shared_ptr<const runtime::config> cfg;
  registry reg;
  std::vector<std::unique_ptr<worker>> workers;
  /// The lane named `o.name`, made with `o` on first use (see work_lane.hpp, offload.hpp).
  work_lane& lane(const work_lane_options& o);
  /// Counters of every lane.
  std::vector<work_lane_stats> lane_stats();
  /// Stops every lane (queued jobs are told `expired`); before the workers go.
  void stop_lanes();

  /// Builds the cell, binds the name if any, publishes it and queues its start message.
  address spawn(std::unique_ptr<service> svc, const handler_table& table, std::string name,
                int worker_index = -1, bool bind_name = false);
  /// spawn() with a unique name bound before the start message; no_address if taken.
  address spawn_named(std::unique_ptr<service> svc, const handler_table& table, std::string name,
                      int worker_index = -1);
  /// Called by a service as it finishes exiting.
  void on_retired(address a);
  /// See node::open_port / close_port.
  address open_port(std::function<void(envelope&)> on_reply);
  void close_port(address a);
  /// How many services are alive (the registry holds the ports too).
  std::size_t services() const noexcept {
    const std::size_t all = reg.size(), ports = ports_.load(std::memory_order_acquire);
    return all > ports ? all - ports : 0;
  }
  bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }

  void start();
  void stop();
  void wait();

 private:
  void monitor_loop();
  void shutdown_all_now();

  std::atomic<unsigned> next_worker_{0};
  std::atomic<std::size_t> ports_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  bool monitor_quit_ = false;
  std::thread monitor_;
  std::mutex lanes_mu_;
  std::map<std::string, std::unique_ptr<work_lane>, std::less<>> lanes_;
};

}  // namespace stratus::runtime::detail
