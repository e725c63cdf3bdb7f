#pragma once
// Groups of sessions (rooms, zones, match lobbies, chat channels): join, leave, members, and a
// broadcast that encodes a push once and hands it to every member. Thread-safe; a broadcast
// never waits for a member's socket (each member's push is queued on its own connection, whose
// max_send_queue bounds a slow reader), so one slow reader never holds up the others.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gate/user_session.hpp"

namespace stratus::gate {

class groups {
 public:
  /// Adds `s` to group `name` (made on first join); the member count after it. 0 when the
  /// session has ended.
  std::size_t join(const std::string& name, const session_ptr& s);
  /// Takes `s` out of `name` (a group left empty is gone); false when it was not a member.
  bool leave(const std::string& name, const session_ptr& s);
  /// Takes `s` out of every group it is in (its session ended).
  void leave_all(const session_ptr& s);
  /// The members' user ids (empty for an unknown group).
  std::vector<std::int64_t> members(const std::string& name) const;
  /// How many members `name` has.
  std::size_t size(const std::string& name) const;
  /// True when `userid` is a member of `name`.
  bool contains(const std::string& name, std::int64_t userid) const;
  /// Sends `push` to every member; how many took it (ended sessions do not count).
  std::size_t broadcast(const std::string& name, const codec::push_ptr& push);
  /// How many groups exist.
  std::size_t count() const;
  /// Every group with its member count.
  std::vector<std::pair<std::string, std::size_t>> counts() const;

  /// Called (outside the locks, on the thread that made the change) with a group's name and
  /// its member count after each join or leave; nullptr: none. The cluster's room directory
  /// keeps its counts with it.
  using observer = std::function<void(const std::string& name, std::size_t members)>;
  void set_observer(observer o);

 private:
  void changed(const std::string& name, std::size_t members) const;

  struct group {
    mutable std::mutex mu;
    std::unordered_map<std::int64_t, session_ptr> members;
  };
  std::shared_ptr<group> find(const std::string& name) const;

  mutable std::mutex mu_;  // the map only; each group has its own lock
  std::unordered_map<std::string, std::shared_ptr<group>> groups_;
  mutable std::mutex observer_mu_;
  std::shared_ptr<const observer> observer_;
};

}  // namespace stratus::gate
