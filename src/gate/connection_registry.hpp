#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "gate/messages.hpp"
#include "gate/session_hub.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// Asks `.ws_proxyd` to drain every connection (wire.md "Drain"): each agent finishes the
/// requests it has and closes with 1001; answers how many connections were still open when
/// `timeout` passed (0: all drained).
struct drain_connections {
  std::chrono::milliseconds timeout{10000};
  using response = std::size_t;
};

/// `.ws_proxyd`: connection id -> agent, and the node's sessions (session_hub) for other
/// services: push to a user, kick a user, who is online, session-end notices. Also ends the
/// sessions whose resume window passed.
class connection_registry : public runtime::service {
 public:
  explicit connection_registry(std::shared_ptr<session_hub> hub);
  static void describe(runtime::handlers<connection_registry>& h);

  void on_start() override;

  void on_opened(agent_opened m);
  void on_closed(agent_closed m);
  void on_send(send_to m);
  void on_broadcast(broadcast m);
  void on_kick(kick m);
  std::size_t on_count(connection_count);
  bool on_kick_user(kick_user m);
  std::uint64_t on_find_user(find_user m);
  bool on_push_to_user(push_to_user m);
  std::size_t on_online(online_count);
  void on_watch(watch_sessions m);
  runtime::task<std::size_t> on_drain(drain_connections m);

 private:
  runtime::task<void> housekeeping();

  std::shared_ptr<session_hub> hub_;
  std::unordered_map<std::uint64_t, runtime::address> agents_;
  std::uint64_t closed_since_trim_ = 0;
};

}  // namespace stratus::gate
