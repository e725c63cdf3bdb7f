#pragma once
// The data behind memory_store: keys holding strings or hashes, with optional expiry times.
// Not thread-safe; memory_store serialises access.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

namespace stratus::backend {

/// Keys with string or hash values and an expiry index ordered by time.
class memory_table {
 public:
  /// Clock used for expiry (monotonic).
  using clock = std::chrono::steady_clock;
  /// A hash value: field -> value.
  using hash = std::unordered_map<std::string, std::string>;
  /// What a key holds.
  using value_type = std::variant<std::string, hash>;

  /// One key's value and expiry.
  struct entry {
    value_type value;                             ///< string or hash
    std::optional<clock::time_point> expires_at;  ///< when the key disappears, if ever
  };

  /// The live entry for `key`, or null; an expired entry is removed first (lazy expiry).
  entry* find(const std::string& key, clock::time_point now);
  /// Inserts or replaces `key`; the new entry has no expiry.
  entry& put(const std::string& key, value_type value);
  /// Removes `key`; true when it existed (expired keys count as absent).
  bool erase(const std::string& key, clock::time_point now);
  /// Sets or clears the expiry of an existing key.
  void set_expiry(const std::string& key, std::optional<clock::time_point> when);
  /// Removes every key whose expiry is at or before `now`; returns how many.
  std::size_t sweep(clock::time_point now);
  /// Number of keys held, including expired ones not yet swept.
  std::size_t size() const { return entries_.size(); }

 private:
  struct slot {
    entry data;
    std::multimap<clock::time_point, std::string>::iterator expiry_pos;
  };
  void unindex(slot& s);

  std::unordered_map<std::string, slot> entries_;
  std::multimap<clock::time_point, std::string> expiries_;
};

}  // namespace stratus::backend
