#pragma once
#include <functional>
#include <atomic>
#include <future>
#include <memory>
#include <unordered_map>

#include "gate/gate_options.hpp"
#include "net/ws_listener.hpp"
#include "runtime/node.hpp"

namespace stratus::gate {

/// Asks `.gate` to stop accepting connections (the first step of a drain); answers once the
/// listeners are closed.
struct stop_accepting {
  using response = bool;
};

/// Asks `.gate` to read its TLS certificate and key files again (SIGHUP); answers false when
/// a listener could not load them (logged; the previous pair stays in use).
struct reload_tls {
  using response = bool;
};

/// Starts the agent of a new connection on `worker` (the connection's thread).
using agent_factory =
    std::function<void(runtime::node&, int worker, const net::connection_ptr& conn)>;

/// The listener service (the seed's ws_master + ws_worker): accepts on ws_host:ws_port,
/// enforces the limits of the handshake, and starts one agent per connection on the
/// connection's own worker thread.
class gate_service : public runtime::service {
 public:
  /// `ready` receives the bound port, or the start-up error.
  gate_service(gate_options opts, agent_factory make_agent, std::promise<std::uint16_t> ready);
  ~gate_service() override;

  static void describe(runtime::handlers<gate_service>& h);
  void on_start() override;
  void on_stop() override;
  bool on_stop_accepting(stop_accepting);
  bool on_reload_tls(reload_tls);
  /// The listener's counters, or nullptr when not listening; read on the gate's thread only.
  const net::net_stats* listener_stats() const noexcept { return listener_ ? &listener_->stats() : nullptr; }

 private:
  struct launcher;

  gate_options opts_;
  agent_factory make_agent_;
  std::promise<std::uint16_t> ready_;
  // Shared with the listener's open callback, which connections keep after the gate is gone.
  std::shared_ptr<launcher> launcher_;
  std::unique_ptr<net::ws_listener> listener_;
  std::unique_ptr<net::ws_listener> tcp_listener_;  // when tcp_port is set
  bool stopped_ = false;
};

}  // namespace stratus::gate
