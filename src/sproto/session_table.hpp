#pragma once
// Pending RPC sessions of one endpoint: a small flat table searched from the newest entry, so
// recording and resolving a session allocates nothing once the table has grown to its working
// size (typically a handful of requests in flight).

#include <cstdint>
#include <optional>
#include <vector>

namespace stratus::sproto {

/// session -> T (what the reply needs: the protocol, its schema, ...). A session sent twice
/// before its reply maps to the latest request, as with the reference's table.
template <class T>
class session_table {
 public:
  /// Remembers `session` (replacing an entry with the same session).
  void put(std::int64_t session, T value) {
    for (auto& e : entries_) {
      if (e.session == session) {
        e.value = std::move(value);
        return;
      }
    }
    entries_.push_back({session, std::move(value)});
  }

  /// Removes and returns the entry of `session`, if any.
  std::optional<T> take(std::int64_t session) {
    for (std::size_t i = entries_.size(); i-- > 0;) {
      if (entries_[i].session != session) continue;
      T value = std::move(entries_[i].value);
      entries_[i] = std::move(entries_.back());
      entries_.pop_back();
      return value;
    }
    return std::nullopt;
  }

  /// Number of pending sessions.
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    std::int64_t session;
    T value;
  };
  std::vector<entry> entries_;
};

}  // namespace stratus::sproto
