#pragma once
#include <unordered_map>

#include "gate/messages.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// `.ws_proxyd`: connection id -> agent; routes sends, broadcasts and kicks to the agents.
class connection_registry : public runtime::service {
 public:
  static void describe(runtime::handlers<connection_registry>& h);

  void on_opened(agent_opened m);
  void on_closed(agent_closed m);
  void on_send(send_to m);
  void on_broadcast(broadcast m);
  void on_kick(kick m);
  std::size_t on_count(connection_count);

 private:
  std::unordered_map<std::uint64_t, runtime::address> agents_;
};

}  // namespace stratus::gate
