#pragma once
// Who is online: userid -> session, token -> session, the rooms, and the sessions waiting for a
// resume. One per node, shared by every agent (thread-safe); other services reach it through
// `.ws_proxyd` (send_to_user, kick_user, find_user, watch_sessions).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gate/groups.hpp"
#include "gate/user_session.hpp"

namespace stratus::gate {

class session_hub {
 public:
  /// Called once per ended session, on the thread that ended it.
  using end_hook = std::function<void(const user_session&, session_end)>;

  session_hub(std::shared_ptr<const codec::push_framer> framer, resume_limits limits);

  /// A new session of `userid` on `conn`, the user's only one: a session it had before ends
  /// (its connection gets Kicked "logged in elsewhere", then 4001). Concurrent logins of one
  /// user: the last one here wins, every other ends. Call on conn's thread.
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
};

}  // namespace stratus::gate
