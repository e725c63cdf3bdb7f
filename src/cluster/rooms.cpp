#include "cluster/rooms.hpp"

#include <algorithm>
#include <set>

#include "cluster/users.hpp"
#include "runtime/log.hpp"

namespace stratus::cluster {

namespace {

stratus_cluster::RoomSaid said(bool known, std::int64_t count) {
  stratus_cluster::RoomSaid r;
  r.set_known(known);
  r.set_count(count);
  return r;
}

}  // namespace

rooms_service::rooms_service(std::chrono::milliseconds heartbeat) : heartbeat_(heartbeat) {
  expose<stratus_cluster::RoomCounts>();
  expose<stratus_cluster::RoomSay>();
  expose<stratus_cluster::RoomTotal>();
}

void rooms_service::describe(runtime::handlers<rooms_service>& h) {
  h.on(&rooms_service::on_counts);
  h.on(&rooms_service::on_say);
  h.on(&rooms_service::on_total);
}

void rooms_service::on_start() {
  fork(keep_name());
}

runtime::task<void> rooms_service::keep_name() {
  while (!exiting()) {
    const std::string me = node_name(*this);
    const bool held = holds_name_ && owner_of(*this, rooms_name) == me;
    if (!held) {
      if (holds_name_) runtime::log::warn("cluster: {} is held by another node now", rooms_name);
      holds_name_ = claim(*this, rooms_name);
      if (holds_name_) {
        // The nodes send their full counts to the new owner from its next heartbeat on.
        rooms_.clear();
        synced_.clear();
        runtime::log::info("cluster: the room directory {} is on node {}", rooms_name, me);
      }
    }
    // A node that is down has no members any more, and must send all its counts again.
    const std::vector<std::string> live = live_nodes(*this);
    std::erase_if(synced_, [&](const auto& s) {
      return std::find(live.begin(), live.end(), s.first) == live.end();
    });
    for (auto it = rooms_.begin(); it != rooms_.end();) {
      std::erase_if(it->second, [&](const auto& e) {
        return std::find(live.begin(), live.end(), e.first) == live.end();
      });
      it = it->second.empty() ? rooms_.erase(it) : std::next(it);
    }
    co_await sleep(heartbeat_);
  }
}

bool rooms_service::knows(const std::vector<std::string>& live, const std::string& from) {
  if (!holds_name_) return false;
  for (const std::string& n : live) {
    if (n == from) continue;
    auto s = synced_.find(n);
    const auto up = up_since(*this, n);
    if (s == synced_.end() || !up || s->second < *up) return false;
  }
  return true;
}

void rooms_service::set(const std::string& node, const std::string& room, std::int64_t members) {
  if (members > 0) {
    rooms_[room][node] = members;
    return;
  }
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  it->second.erase(node);
  if (it->second.empty()) rooms_.erase(it);
}

void rooms_service::on_counts(stratus_cluster::RoomCounts m) {
  if (m.full()) {
    std::set<std::string> listed;
    for (const auto& c : m.counts()) listed.insert(c.room());
    for (auto it = rooms_.begin(); it != rooms_.end();) {
      if (!listed.count(it->first)) it->second.erase(m.node());
      it = it->second.empty() ? rooms_.erase(it) : std::next(it);
    }
    synced_[m.node()] = std::chrono::steady_clock::now();
  }
  for (const auto& c : m.counts()) set(m.node(), c.room(), c.members());
}

runtime::task<stratus_cluster::RoomSaid> rooms_service::on_say(stratus_cluster::RoomSay m) {
  const std::vector<std::string> live = live_nodes(*this);
  if (!knows(live, m.from_node())) co_return said(false, 0);
  std::vector<std::string> nodes;
  if (auto it = rooms_.find(m.room()); it != rooms_.end()) {
    for (const auto& [node, members] : it->second)
      if (node != m.from_node() && std::find(live.begin(), live.end(), node) != live.end())
        nodes.push_back(node);
  }
  stratus_cluster::RoomPush push;
  push.set_room(m.room());
  *push.mutable_push() = std::move(*m.mutable_push());
  std::int64_t reached = 0;
  auto answers = co_await call_each(*this, std::move(nodes), ".users", push);
  for (auto& answer : answers) {
    if (answer.result)
      reached += answer.result->count();
    else
      runtime::log::debug("cluster: room say to node {} failed: {}", answer.node,
                          answer.result.error().message);
  }
  co_return said(true, reached);
}

stratus_cluster::RoomSaid rooms_service::on_total(stratus_cluster::RoomTotal m) {
  set(m.from_node(), m.room(), m.members_here());
  const std::vector<std::string> live = live_nodes(*this);
  if (!knows(live, m.from_node())) return said(false, 0);
  std::int64_t members = 0;
  if (auto it = rooms_.find(m.room()); it != rooms_.end()) {
    for (const auto& [node, n] : it->second)
      if (node != m.from_node() && std::find(live.begin(), live.end(), node) != live.end())
        members += n;
  }
  return said(true, members);
}

}  // namespace stratus::cluster
