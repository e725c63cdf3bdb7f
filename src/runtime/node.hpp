#pragma once
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/service.hpp"
#include "runtime/stats.hpp"
#include "runtime/work_lane.hpp"

namespace stratus::runtime {

class config;

/// Tuning of a node; main() fills it from the config keys of the same names.
struct node_options {
  int threads = 2;                                 ///< worker threads (`thread`)
  std::chrono::milliseconds call_timeout{5000};    ///< default call timeout (`call_timeout_ms`)
  std::chrono::milliseconds slow_handler{1000};    ///< warn when one message runs longer
  std::size_t mailbox_warn = 1024;                 ///< warn when a mailbox passes this length
  std::chrono::milliseconds shutdown_grace{5000};  ///< stop() waits this long for services
};

namespace detail {
class node_core;
}

/// The runtime instance (skynet's process): worker threads, the service table and names.
class node {
 public:
  node(node_options opts, std::shared_ptr<const config> cfg = nullptr);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Launches a service object of type S, optionally under a unique name and on a given worker.
  template <class S, class... A>
  address launch_service(A&&... args);

  /// Launches S under a unique name (".cacheproxyd"), bound before any message can reach it;
  /// no_address when the name is taken.
  template <class S, class... A>
  address launch_named(std::string name, A&&... args);
  /// Launches S on worker `worker` (to share a thread with a socket made on that io_context).
  template <class S, class... A>
  address launch_on(int worker, A&&... args);

  /// Starts the worker threads and returns.
  void start();
  /// Blocks until stop() has shut everything down.
  void wait();
  /// start() then wait().
  void run();
  /// Graceful shutdown, from any thread: every service gets on_stop() and exits; returns at once.
  void stop();

  /// Sends a one-way message from outside any service.
  template <class M>
  bool send(address to, M&& msg);
  /// A reply port: an address that is no service. A reply (or a call's error) sent to it runs
  /// `on_reply` at once, on the thread of the service that replies, with no mailbox between;
  /// anything else sent to it is refused. It lets code outside every service (a network
  /// library's thread) call services through post() and hear back without a hop: the cluster
  /// link delivers other nodes' calls this way. `on_reply` must be thread-safe and quick, and
  /// may still run while close_port() returns.
  address open_port(std::function<void(envelope&)> on_reply);
  void close_port(address port);
  /// Queues `env` as it is (source, session, kind, body, request) for the service at `to`,
  /// from any thread: with a port as source and a session, a call whose reply reaches the
  /// port. False when no live service is there (`env` is left as it was).
  bool post(address to, envelope& env);
  /// post() for several at once, in order: the service runs them in one turn. False when no
  /// live service is there (none is taken).
  bool post_all(address to, std::vector<envelope>& envs);
  /// Runs `body` as a coroutine inside a temporary service (for tests, tools and bootstrap);
  /// the future is ready when it finishes.
  std::future<void> exec(std::function<task<void>(service&)> body);

  /// The address bound to `name`, or no_address.
  address lookup(std::string_view name) const;
  /// Counters of every live service.
  std::vector<service_stats> stats() const;
  /// Counters of every work lane (blocking work by kind; see offload.hpp).
  std::vector<work_lane_stats> work_lanes() const;
  /// Asks the service at `to` to exit after its current message (skynet.kill); false when
  /// no live service is there.
  bool kill(address to);
  /// How many services are alive.
  std::size_t service_count() const;
  /// Worker count and their io_contexts (the gateway puts sockets on them).
  int threads() const noexcept;
  boost::asio::io_context& io_context(int worker) const;
  /// The configuration given at construction (throws std::logic_error when there is none).
  const runtime::config& config() const;
  const node_options& options() const noexcept;

  detail::node_core& core() noexcept { return *core_; }

 private:
  bool post_from_outside(address to, payload body);
  address spawn(std::unique_ptr<service> svc, const detail::handler_table& table,
                const char* type_name, std::string unique_name = {}, int worker = -1);

  std::unique_ptr<detail::node_core> core_;
};

template <class S, class... A>
address node::launch_service(A&&... args) {
  return spawn(std::make_unique<S>(std::forward<A>(args)...), detail::table_for<S>(),
               typeid(S).name());
}

template <class S, class... A>
address node::launch_named(std::string name, A&&... args) {
  return spawn(std::make_unique<S>(std::forward<A>(args)...), detail::table_for<S>(),
               typeid(S).name(), std::move(name));
}

template <class S, class... A>
address node::launch_on(int worker, A&&... args) {
  return spawn(std::make_unique<S>(std::forward<A>(args)...), detail::table_for<S>(),
               typeid(S).name(), {}, worker);
}

template <class M>
bool node::send(address to, M&& msg) {
  return post_from_outside(to, payload(std::forward<M>(msg)));
}

}  // namespace stratus::runtime
