#pragma once
// Who is online: userid -> session, token -> session, the rooms, and the sessions waiting for a
// resume. One per node, shared by every agent (thread-safe); other services reach it through
// `.ws_proxyd` (send_to_user, kick_user, find_user, watch_sessions). In a cluster it also knows
// the other nodes (remote_users): a login kicks the user's session on any node, and deliver(),
// room_broadcast() and room_size() reach users and room members wherever they are connected.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gate/groups.hpp"
#include "gate/remote_users.hpp"
#include "gate/user_session.hpp"
#include "runtime/task.hpp"

namespace stratus::gate {

class session_hub {
 public:
  /// Called once per ended session, on the thread that ended it.
  using end_hook = std::function<void(const user_session&, session_end)>;

  session_hub(std::shared_ptr<const codec::push_framer> framer, resume_limits limits);

  /// A new session of `userid` on `conn`, the user's only one: a session it had before ends
  /// (its connection gets Kicked "logged in elsewhere", then 4001), on this node or, in a
  /// cluster, on another. Concurrent logins of one user: the last one wins (by login_stamp),
  /// every other ends; a login that lost to one on another node is returned already ended.
  /// Call on conn's thread.
  session_ptr login(std::int64_t userid, std::string name, std::string token,
                    const net::connection_ptr& conn);
  /// The live session of `userid` (connected or waiting for a resume), or null.
  session_ptr find(std::int64_t userid) const;
  /// The live session of the user named `name` (sproto names users by their userid string),
  /// or null.
  session_ptr find_name(const std::string& name) const;
  /// The live session holding `token`, or null.
  session_ptr find_token(const std::string& token) const;
  /// Ends `s` (if it has not ended) and forgets it; leaves its rooms; runs the hooks.
  /// `close_code` != 0 closes its connection (after a Kicked push when `kick_reason` is set).
  void end(const session_ptr& s, session_end why, std::uint16_t close_code = 0,
           std::string_view kick_reason = {});
  /// Connection `connection_id` of `s` dropped without a close frame: `s` waits for a resume
  /// for the grace (or ends now, when resume is off or the node is draining).
  void dropped(const session_ptr& s, std::uint64_t connection_id);
  /// Ends the sessions that waited for a resume longer than the grace; how many.
  std::size_t expire(user_session::clock::time_point now);
  /// From now on sessions whose connection drops end at once (the node is going away), and
  /// every session waiting for a resume ends now.
  void drain();
  bool draining() const;

  /// Joins the cluster: from now on logins, deliver(), room_broadcast() and room_size() reach
  /// the other nodes through `remote`. Set once, before the gateway serves.
  void set_remote(std::shared_ptr<remote_users> remote);
  /// Another node logged user `userid` in with `stamp`: the session here ends (Kicked, 4001)
  /// when its login was earlier. Remembered for a while, for a login here still in progress.
  void remote_login(std::int64_t userid, const login_stamp& stamp);

  /// Lets sessions move between nodes: a draining node keeps its sessions in `store`
  /// (take_handovers(), then store->keep()), and find_for_resume() finds them on another node.
  void set_handover(std::shared_ptr<handover_store> store);
  std::shared_ptr<handover_store> handover() const;
  /// The states of the sessions that ended since drain() began (what the store should keep).
  std::vector<session_state> take_handovers();
  /// The session holding `token` for a resume: this node's, or one a drained node left in the
  /// handover store, carried on here (its rooms joined, the user's session anywhere else
  /// kicked as by a login). Null when there is none.
  runtime::task<session_ptr> find_for_resume(runtime::service& self, std::string token);

  /// Sends `push` to the user (by `userid`, or by `name` when userid is 0) wherever its session
  /// is: here (waiting for a resume included) or on another node; false when it is nowhere
  /// (or `push` is null: it could not be encoded).
  runtime::task<bool> deliver(runtime::service& self, std::int64_t userid, std::string name,
                              codec::push_ptr push);
  /// Sends `push` to every member of `room` on every node (encoded once); how many took it.
  runtime::task<std::size_t> room_broadcast(runtime::service& self, std::string room,
                                            codec::push_ptr push);
  /// The members of `room` on every node.
  runtime::task<std::size_t> room_size(runtime::service& self, std::string room);

  /// Adds a hook run when a session ends (game code's cleanup: save, leave a match...).
  void on_end(end_hook hook);

  /// The rooms.
  gate::groups& rooms() noexcept { return rooms_; }
  /// Sessions alive (connected or waiting for a resume).
  std::size_t online() const;
  /// Sessions waiting for a resume.
  std::size_t waiting() const;

  const resume_limits& limits() const noexcept { return limits_; }
  const codec::push_framer& framer() const noexcept { return *framer_; }
  const std::shared_ptr<const codec::push_framer>& framer_ptr() const noexcept { return framer_; }

 private:
  void forget_locked(const session_ptr& s);
  std::shared_ptr<remote_users> remote() const;
  login_stamp next_stamp_locked();
  void announce(const session_ptr& s);
  void remember_remote_locked(std::int64_t userid, const login_stamp& stamp);

  const std::shared_ptr<const codec::push_framer> framer_;
  const resume_limits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::int64_t, session_ptr> by_user_;
  std::unordered_map<std::string, session_ptr> by_token_;
  std::unordered_map<std::string, session_ptr> by_name_;
  std::vector<session_ptr> waiting_;  // dropped, in drop order (the grace is the same for all)
  bool draining_ = false;
  std::vector<end_hook> hooks_;
  gate::groups rooms_;
  // Cluster: the other nodes, the stamp of each local user's login, and the recent logins
  // other nodes announced (a login here in progress compares with them once registered).
  std::shared_ptr<remote_users> remote_;
  std::uint64_t last_epoch_ = 0;
  std::unordered_map<std::int64_t, login_stamp> stamps_;
  struct seen_login {
    login_stamp stamp;
    user_session::clock::time_point at;
  };
  std::unordered_map<std::int64_t, seen_login> remote_seen_;
  // Handover: the store, and the states of sessions ended while draining.
  std::shared_ptr<handover_store> handover_;
  std::vector<session_state> handed_over_;
};

}  // namespace stratus::gate
