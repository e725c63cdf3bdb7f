#pragma once
// Users across the nodes of a cluster (wire.md "Sessions" and "Direct messages and rooms"):
// `.users` on every node joins the node's session_hub to the others, so that
//   - a login on one node kicks the same user's session on any other (Kicked, 4001): each
//     login is stamped (time, then node name) and announced; the earlier login ends, so of
//     concurrent logins exactly one survives;
//   - a push to a user (a whisper) reaches it on whichever node holds its session;
//   - a room's members may sit on different nodes: a room say reaches each of them once, and
//     a join counts the members of every node.
// Each node keeps its own sessions and rooms; nothing is stored centrally, so a node that dies
// takes only its own users with it. A push to a user on another node goes to the node the user
// last logged in on (every node hears every login); if it is not there, to every live node at
// once (cluster::call_others). Room says and join counts go through the room
// directory when a node runs one (cluster/rooms.hpp), to the nodes with members only; without
// it, or while it is down, they too are one call to each live node.

#include <chrono>
#include <memory>
#include <string>

#include "cluster.pb.h"
#include "cluster/cluster.hpp"
#include "gate/session_hub.hpp"

STRATUS_RESPONSE(stratus_cluster::UserPush, stratus_cluster::Delivered);
STRATUS_RESPONSE(stratus_cluster::RoomPush, stratus_cluster::Delivered);
STRATUS_RESPONSE(stratus_cluster::RoomSize, stratus_cluster::Delivered);

namespace stratus::cluster {

class cluster_users;

/// `.users`: launched by the bootstrap beside `.cluster` when the node is in a cluster; gives
/// the hub its view of the other nodes when made, takes it back when stopped.
class users_service : public runtime::service {
 public:
  /// `heartbeat`: how often the room directory gets all of this node's room counts.
  users_service(std::shared_ptr<gate::session_hub> hub, std::string node_name,
                std::chrono::milliseconds heartbeat = std::chrono::milliseconds(500));
  static void describe(runtime::handlers<users_service>& h);
  void on_start() override;
  void on_stop() override;

  /// A room's member count here changed (from the hub's rooms, any thread).
  struct room_changed {
    std::string room;
    std::size_t members;
  };
  void on_room_changed(room_changed m);

  void on_login(stratus_cluster::UserLogin m);
  runtime::task<stratus_cluster::Delivered> on_push(stratus_cluster::UserPush m);
  runtime::task<stratus_cluster::Delivered> on_room_push(stratus_cluster::RoomPush m);
  runtime::task<stratus_cluster::Delivered> on_room_size(stratus_cluster::RoomSize m);

 private:
  runtime::task<void> sync_rooms();

  std::shared_ptr<gate::session_hub> hub_;
  std::shared_ptr<cluster_users> remote_;  // the hub's view of the other nodes
  std::string node_name_;
  std::chrono::milliseconds heartbeat_;
};

}  // namespace stratus::cluster
