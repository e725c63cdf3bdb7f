#include "gate/connection_registry.hpp"

#include "runtime/log.hpp"

namespace stratus::gate {

void connection_registry::describe(runtime::handlers<connection_registry>& h) {
  h.on(&connection_registry::on_opened);
  h.on(&connection_registry::on_closed);
  h.on(&connection_registry::on_send);
  h.on(&connection_registry::on_broadcast);
  h.on(&connection_registry::on_kick);
  h.on(&connection_registry::on_count);
}

void connection_registry::on_opened(agent_opened m) {
  agents_[m.connection] = m.agent;
}

void connection_registry::on_closed(agent_closed m) {
  agents_.erase(m.connection);
}

void connection_registry::on_send(send_to m) {
  auto it = agents_.find(m.connection);
  if (it == agents_.end()) {
    runtime::log::debug("send to closed connection {} dropped", m.connection);
    return;
  }
  send(it->second, write_packet{std::move(m.packet)});
}

void connection_registry::on_broadcast(broadcast m) {
  for (auto& [id, agent] : agents_) send(agent, write_packet{m.packet});
}

void connection_registry::on_kick(kick m) {
  auto it = agents_.find(m.connection);
  if (it != agents_.end()) send(it->second, std::move(m));
}

std::size_t connection_registry::on_count(connection_count) {
  return agents_.size();
}

}  // namespace stratus::gate
