#pragma once
#include <unordered_map>

#include "gate/messages.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// `.ws_proxyd`: connection id -> agent, and userid -> connection (one connection per user:
/// a second login kicks the first, in the order the logins reach this service); routes sends,
/// broadcasts and kicks to the agents.
class connection_registry : public runtime::service {
 public:
  static void describe(runtime::handlers<connection_registry>& h);

  void on_opened(agent_opened m);
  void on_closed(agent_closed m);
  void on_send(send_to m);
  void on_broadcast(broadcast m);
  void on_kick(kick m);
  std::size_t on_count(connection_count);
  void on_bind(bind_user m);
  bool on_kick_user(kick_user m);
  std::uint64_t on_find_user(find_user m);
  bool on_send_to_user(send_to_user m);

 private:
  struct bound {
    std::uint64_t connection = 0;
    runtime::address agent;
  };
  std::unordered_map<std::uint64_t, runtime::address> agents_;
  std::unordered_map<std::int64_t, bound> users_;                 // userid -> its connection
  std::unordered_map<std::uint64_t, std::int64_t> user_of_;       // connection -> userid
};

}  // namespace stratus::gate
