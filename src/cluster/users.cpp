#include "cluster/users.hpp"

#include <mutex>
#include <optional>
#include <unordered_map>

#include "cluster/rooms.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

namespace stratus::cluster {

namespace {

constexpr const char* users_name = ".users";

codec::push_ptr from_wire(const stratus_cluster::Push& p) {
  return std::make_shared<const codec::push_body>(codec::push_body{p.type(), p.tag(), p.bytes()});
}

void to_wire(const codec::push_body& body, stratus_cluster::Push& p) {
  p.set_type(body.type);
  p.set_tag(body.tag);
  p.set_bytes(body.bytes);
}

std::size_t count_delivered(std::vector<node_result<stratus_cluster::Delivered>>& answers) {
  std::size_t n = 0;
  for (auto& a : answers) {
    if (a.result) {
      n += static_cast<std::size_t>(std::max<std::int64_t>(0, a.result->count()));
    } else {
      runtime::log::debug("cluster: {} on node {} failed: {}", users_name, a.node,
                          a.result.error().message);
    }
  }
  return n;
}

}  // namespace

/// The hub's view of the other nodes, through their `.users`.
class cluster_users final : public gate::remote_users {
 public:
  cluster_users(runtime::service& users, std::string node, std::weak_ptr<gate::session_hub> hub)
      : users_(users), node_(std::move(node)), hub_(std::move(hub)) {}

  const std::string& node() const override { return node_; }

  void logged_in(std::int64_t userid, const std::string& name,
                 const gate::login_stamp& stamp) override {
    stratus_cluster::UserLogin m;
    m.set_userid(userid);
    m.set_name(name);
    m.set_epoch(stamp.epoch);
    m.set_node(stamp.node);
    std::vector<std::string> nodes = live_nodes(users_);
    for (std::size_t i = 1; i < nodes.size(); ++i) {  // this node comes first
      if (auto sent = send(users_, nodes[i], users_name, m); !sent)
        runtime::log::warn("cluster: login of user {} not announced to {}: {}", userid, nodes[i],
                           sent.error().message);
    }
  }

  runtime::task<bool> push_to(runtime::service& self, std::int64_t userid, std::string name,
                              codec::push_ptr push) override {
    std::optional<std::string> node = where(userid, name);
    stratus_cluster::UserPush m;
    m.set_userid(userid);
    m.set_name(std::move(name));
    to_wire(*push, *m.mutable_push());
    // First the node the user last logged in on, as far as this node heard; then every node
    // (the user moved, or logged in while this node did not hear it).
    if (node) {
      auto r = co_await call(self, std::move(*node), users_name, m);
      if (r && r->count() > 0) co_return true;
    }
    auto answers = co_await call_others(self, users_name, m);
    co_return count_delivered(answers) > 0;
  }

  /// User `userid` (`name`) logged in on node `node` (its announcement).
  void heard_login(std::int64_t userid, const std::string& name, const std::string& node) {
    std::lock_guard lock(where_mu_);
    if (node_of_id_.size() >= max_known || node_of_name_.size() >= max_known) {
      node_of_id_.clear();  // a bound, not an eviction policy: pushes ask every node meanwhile
      node_of_name_.clear();
    }
    node_of_id_[userid] = node;
    if (!name.empty()) node_of_name_[name] = node;
  }

  runtime::task<std::size_t> room_broadcast(runtime::service& self, std::string room,
                                            codec::push_ptr push) override {
    if (std::optional<std::string> directory = owner_of(self, rooms_name)) {
      stratus_cluster::RoomSay say;
      say.set_room(room);
      say.set_from_node(node_);
      to_wire(*push, *say.mutable_push());
      auto r = co_await call(self, std::move(*directory), rooms_name, say);
      if (r && r->known()) co_return static_cast<std::size_t>(std::max<std::int64_t>(0, r->count()));
      if (!r) runtime::log::debug("cluster: room directory: {}", r.error().message);
    }
    stratus_cluster::RoomPush m;
    m.set_room(std::move(room));
    to_wire(*push, *m.mutable_push());
    auto answers = co_await call_others(self, users_name, m);
    co_return count_delivered(answers);
  }

  runtime::task<std::size_t> room_size(runtime::service& self, std::string room) override {
    if (std::optional<std::string> directory = owner_of(self, rooms_name)) {
      stratus_cluster::RoomTotal total;
      total.set_room(room);
      total.set_from_node(node_);
      if (auto hub = hub_.lock())
        total.set_members_here(static_cast<std::int64_t>(hub->rooms().size(room)));
      auto r = co_await call(self, std::move(*directory), rooms_name, total);
      if (r && r->known()) co_return static_cast<std::size_t>(std::max<std::int64_t>(0, r->count()));
      if (!r) runtime::log::debug("cluster: room directory: {}", r.error().message);
    }
    stratus_cluster::RoomSize m;
    m.set_room(std::move(room));
    auto answers = co_await call_others(self, users_name, m);
    co_return count_delivered(answers);
  }

 private:
  std::optional<std::string> where(std::int64_t userid, const std::string& name) {
    std::lock_guard lock(where_mu_);
    if (userid != 0) {
      auto it = node_of_id_.find(userid);
      if (it != node_of_id_.end()) return it->second;
    } else {
      auto it = node_of_name_.find(name);
      if (it != node_of_name_.end()) return it->second;
    }
    return std::nullopt;
  }

  static constexpr std::size_t max_known = 1 << 18;

  runtime::service& users_;  // sends from any thread: only its node is used
  std::string node_;
  std::weak_ptr<gate::session_hub> hub_;
  std::mutex where_mu_;
  std::unordered_map<std::int64_t, std::string> node_of_id_;  // where users logged in last
  std::unordered_map<std::string, std::string> node_of_name_;
};

namespace {

/// This node's counts of `rooms` for the directory.
stratus_cluster::RoomCounts counts_of(const std::string& node, bool full,
                                      const std::vector<std::pair<std::string, std::size_t>>& rooms) {
  stratus_cluster::RoomCounts m;
  m.set_node(node);
  m.set_full(full);
  for (const auto& [room, members] : rooms) {
    auto* c = m.add_counts();
    c->set_room(room);
    c->set_members(static_cast<std::int64_t>(members));
  }
  return m;
}

stratus_cluster::Delivered delivered(std::size_t n) {
  stratus_cluster::Delivered d;
  d.set_count(static_cast<std::int64_t>(n));
  return d;
}

}  // namespace

users_service::users_service(std::shared_ptr<gate::session_hub> hub, std::string node_name,
                             std::chrono::milliseconds heartbeat)
    : hub_(std::move(hub)), node_name_(std::move(node_name)), heartbeat_(heartbeat) {
  // Before the launch returns, so no login the gateway takes goes unannounced.
  expose<stratus_cluster::UserLogin>();
  expose<stratus_cluster::UserPush>();
  expose<stratus_cluster::RoomPush>();
  expose<stratus_cluster::RoomSize>();
  remote_ = std::make_shared<cluster_users>(*this, node_name_, hub_);
  hub_->set_remote(remote_);
}

void users_service::on_start() {
  // Joins and leaves reach this service's thread as messages: the hook may outlive it.
  hub_->rooms().set_observer([&n = owner(), me = self()](const std::string& room, std::size_t members) {
    n.send(me, room_changed{room, members});
  });
  fork(sync_rooms());
}

void users_service::on_room_changed(room_changed m) {
  std::optional<std::string> directory = owner_of(*this, rooms_name);
  if (!directory) return;
  const std::vector<std::pair<std::string, std::size_t>> one{{m.room, m.members}};
  if (auto sent = cluster::send(*this, *directory, rooms_name, counts_of(node_name_, false, one)); !sent)
    runtime::log::debug("cluster: room directory: {}", sent.error().message);
}

runtime::task<void> users_service::sync_rooms() {
  while (!exiting()) {
    if (std::optional<std::string> directory = owner_of(*this, rooms_name))
      (void)cluster::send(*this, *directory, rooms_name, counts_of(node_name_, true, hub_->rooms().counts()));
    co_await sleep(heartbeat_);
  }
}

void users_service::describe(runtime::handlers<users_service>& h) {
  h.on(&users_service::on_login);
  h.on(&users_service::on_push);
  h.on(&users_service::on_room_push);
  h.on(&users_service::on_room_size);
  h.on(&users_service::on_room_changed);
}

void users_service::on_stop() {
  hub_->rooms().set_observer(nullptr);
  hub_->set_remote(nullptr);
}

void users_service::on_login(stratus_cluster::UserLogin m) {
  remote_->heard_login(m.userid(), m.name(), m.node());
  hub_->remote_login(m.userid(), gate::login_stamp{m.epoch(), m.node()});
}

runtime::task<stratus_cluster::Delivered> users_service::on_push(stratus_cluster::UserPush m) {
  gate::session_ptr s = m.userid() != 0 ? hub_->find(m.userid()) : hub_->find_name(m.name());
  co_return delivered(s && s->push(from_wire(m.push())) ? 1 : 0);
}

runtime::task<stratus_cluster::Delivered> users_service::on_room_push(stratus_cluster::RoomPush m) {
  co_return delivered(hub_->rooms().broadcast(m.room(), from_wire(m.push())));
}

runtime::task<stratus_cluster::Delivered> users_service::on_room_size(stratus_cluster::RoomSize m) {
  co_return delivered(hub_->rooms().size(m.room()));
}

}  // namespace stratus::cluster
