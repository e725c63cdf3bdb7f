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
  h.on(&connection_registry::on_bind);
  h.on(&connection_registry::on_kick_user);
  h.on(&connection_registry::on_find_user);
  h.on(&connection_registry::on_send_to_user);
}

void connection_registry::on_opened(agent_opened m) {
  agents_[m.connection] = m.agent;
}

void connection_registry::on_closed(agent_closed m) {
  agents_.erase(m.connection);
  auto u = user_of_.find(m.connection);
  if (u == user_of_.end()) return;
  auto it = users_.find(u->second);
  if (it != users_.end() && it->second.connection == m.connection) users_.erase(it);
  user_of_.erase(u);
}

void connection_registry::on_bind(bind_user m) {
  if (!agents_.contains(m.connection)) return;  // that connection ended meanwhile
  auto [it, fresh] = users_.try_emplace(m.userid, bound{m.connection, m.agent});
  if (!fresh && it->second.connection != m.connection) {
    // The user was online elsewhere: that connection hears why, then goes (4001).
    send(it->second.agent, kicked{4001, "logged in elsewhere"});
    user_of_.erase(it->second.connection);
    it->second = bound{m.connection, m.agent};
  }
  user_of_[m.connection] = m.userid;
}

bool connection_registry::on_kick_user(kick_user m) {
  auto it = users_.find(m.userid);
  if (it == users_.end()) return false;
  send(it->second.agent, kicked{m.code, std::move(m.reason)});
  return true;
}

std::uint64_t connection_registry::on_find_user(find_user m) {
  auto it = users_.find(m.userid);
  return it == users_.end() ? 0 : it->second.connection;
}

bool connection_registry::on_send_to_user(send_to_user m) {
  auto it = users_.find(m.userid);
  if (it == users_.end()) return false;
  send(it->second.agent, write_packet{std::move(m.packet)});
  return true;
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
