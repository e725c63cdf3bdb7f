#pragma once
// How a node's sessions reach users and room members connected to the other nodes of a
// cluster. The cluster layer implements it (cluster/users.hpp) and gives it to the node's
// session_hub; on a single node there is none, and the hub's cluster-wide calls are local.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/push.hpp"
#include "gate/user_session.hpp"
#include "runtime/task.hpp"

namespace stratus::runtime {
class service;
}

namespace stratus::gate {

/// A login's place in the cluster-wide order of a user's logins: the later login wins
/// (wire.md: one connection per user in the whole cluster). Ordered by time, then node name.
struct login_stamp {
  std::uint64_t epoch = 0;  ///< microseconds since the Unix epoch, unique per node
  std::string node;
  friend bool operator<(const login_stamp& a, const login_stamp& b) {
    return a.epoch != b.epoch ? a.epoch < b.epoch : a.node < b.node;
  }
};

class remote_users {
 public:
  virtual ~remote_users() = default;
  /// This node's name (the `node` of its stamps).
  virtual const std::string& node() const = 0;
  /// User `userid` (`name`) logged in here with `stamp`: tells the other nodes, which end its
  /// sessions with an earlier stamp (Kicked, 4001) and send its pushes here. Any thread; does
  /// not wait.
  virtual void logged_in(std::int64_t userid, const std::string& name,
                         const login_stamp& stamp) = 0;
  /// Delivers `push` to the user (by `userid`, or by `name` when userid is 0) on whichever other
  /// node has its session; true when one had it.
  virtual runtime::task<bool> push_to(runtime::service& self, std::int64_t userid,
                                      std::string name, codec::push_ptr push) = 0;
  /// Delivers `push` to the members of `room` on the other nodes; how many took it.
  virtual runtime::task<std::size_t> room_broadcast(runtime::service& self, std::string room,
                                                    codec::push_ptr push) = 0;
  /// How many members `room` has on the other nodes.
  virtual runtime::task<std::size_t> room_size(runtime::service& self, std::string room) = 0;
};

/// Where a draining node leaves its sessions for another node to resume (wire.md "Drain":
/// clients resume on another node of the cluster). The app implements it on the shared cache.
class handover_store {
 public:
  virtual ~handover_store() = default;
  /// Keeps `states` for the resume grace; called by `.ws_proxyd` (`self`) once the draining
  /// node's connections are closed, before it stops.
  virtual runtime::task<void> keep(runtime::service& self, std::vector<session_state> states) = 0;
  /// Takes the session left under `token`, if any (once: a second taker gets nothing).
  virtual runtime::task<std::optional<session_state>> take(runtime::service& self,
                                                           std::string token) = 0;
};

}  // namespace stratus::gate
