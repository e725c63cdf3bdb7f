#include "gate/connection_registry.hpp"

#include <malloc.h>

#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/offload.hpp"

namespace stratus::gate {

namespace {
// How often sessions past their resume window are ended.
constexpr std::chrono::milliseconds sweep_every{200};
// Memory freed by closed connections is handed back to the system at most this often.
constexpr std::chrono::seconds trim_every{2};
}  // namespace

connection_registry::connection_registry(std::shared_ptr<session_hub> hub) : hub_(std::move(hub)) {}

void connection_registry::describe(runtime::handlers<connection_registry>& h) {
  h.on(&connection_registry::on_opened);
  h.on(&connection_registry::on_closed);
  h.on(&connection_registry::on_send);
  h.on(&connection_registry::on_broadcast);
  h.on(&connection_registry::on_kick);
  h.on(&connection_registry::on_count);
  h.on(&connection_registry::on_kick_user);
  h.on(&connection_registry::on_find_user);
  h.on(&connection_registry::on_push_to_user);
  h.on(&connection_registry::on_online);
  h.on(&connection_registry::on_watch);
  h.on(&connection_registry::on_drain);
}

void connection_registry::on_start() {
  fork(housekeeping());
}

runtime::task<void> connection_registry::housekeeping() {
  auto since_trim = std::chrono::milliseconds(0);
  while (!exiting()) {
    co_await sleep(sweep_every);
    hub_->expire(user_session::clock::now());
    since_trim += sweep_every;
    if (since_trim >= trim_every && closed_since_trim_ > 0) {
      // Connections that closed leave freed buffers in the allocator's arenas; give the pages
      // back, so that RSS after a burst (or an attack) returns to its idle level.
      // On a blocking lane: it takes 1 to 15 ms after a large burst, and this worker thread
      // also runs agents.
      // A full lane skips this round (the loop must not die: it also expires sessions).
      auto trim = [] { malloc_trim(0); };
      auto trimmed = co_await runtime::offload_to(*this, runtime::lane_of(*this, runtime::general_lane()),
                                                  std::move(trim));
      (void)trimmed;
      closed_since_trim_ = 0;
      since_trim = std::chrono::milliseconds(0);
    }
  }
}

void connection_registry::on_opened(agent_opened m) {
  agents_[m.connection] = m.agent;
}

void connection_registry::on_closed(agent_closed m) {
  agents_.erase(m.connection);
  ++closed_since_trim_;
}

bool connection_registry::on_kick_user(kick_user m) {
  session_ptr s = hub_->find(m.userid);
  if (!s) return false;
  hub_->end(s, session_end::kicked, m.code, m.reason);
  return true;
}

std::uint64_t connection_registry::on_find_user(find_user m) {
  session_ptr s = hub_->find(m.userid);
  return s ? s->connection_id() : 0;
}

bool connection_registry::on_push_to_user(push_to_user m) {
  session_ptr s = hub_->find(m.userid);
  return s && s->push(m.push);
}

std::size_t connection_registry::on_online(online_count) {
  return hub_->online();
}

void connection_registry::on_watch(watch_sessions m) {
  runtime::node* n = &owner();
  hub_->on_end([n, to = m.watcher](const user_session& s, session_end why) {
    n->send(to, session_ended{s.userid(), s.name(), to_string(why)});
  });
}

runtime::task<std::size_t> connection_registry::on_drain(drain_connections m) {
  hub_->drain();
  for (auto& [id, agent] : agents_) send(agent, drain{});
  const auto deadline = std::chrono::steady_clock::now() + m.timeout;
  while (!agents_.empty() && std::chrono::steady_clock::now() < deadline)
    co_await sleep(std::chrono::milliseconds(10));
  // In a cluster, the sessions the drain ended wait in the shared store for a resume on
  // another node (wire.md "Drain").
  if (std::shared_ptr<handover_store> store = hub_->handover()) {
    std::vector<session_state> states = hub_->take_handovers();
    const std::size_t n = states.size();
    if (n > 0) {
      co_await store->keep(*this, std::move(states));
      runtime::log::info("drain: {} sessions left for a resume on another node", n);
    }
  }
  co_return agents_.size();
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
