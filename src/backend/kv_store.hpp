#pragma once
// Abstract key-value store: typed helpers for the common commands on top of raw commands.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/kv_reply.hpp"
#include "backend/kv_stats.hpp"
#include "backend/result.hpp"

namespace stratus::backend {

/// A Redis-like store. Thread-safe; every call is blocking and bounded by a timeout.
/// Typed helpers turn server error replies and unexpected reply kinds into `bad_request`.
class kv_store {
 public:
  virtual ~kv_store() = default;

  /// Runs one command (binary-safe arguments, command name first); error replies are values.
  virtual result<kv_reply> command(std::vector<std::string> args) = 0;
  /// Runs many commands in one round trip; replies come back in order.
  virtual result<std::vector<kv_reply>> pipeline(std::vector<std::vector<std::string>> cmds) = 0;
  /// Current counters.
  virtual kv_stats stats() const = 0;
  /// False for a store that never waits on I/O (the in-process one): its callers may run it
  /// inline instead of handing each call to another thread.
  virtual bool blocks() const noexcept { return true; }

  /// GET: the value, or nullopt when the key does not exist.
  result<std::optional<std::string>> get(std::string_view key);
  /// SET, with an optional time to live (millisecond precision).
  result<void> set(std::string_view key, std::string_view value,
                   std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  /// DEL of one key: true when it existed.
  result<bool> del(std::string_view key);
  /// PEXPIRE: true when the key exists and now expires after `ttl`.
  result<bool> expire(std::string_view key, std::chrono::milliseconds ttl);
  /// INCRBY: the value after adding `by` (a missing key counts as 0).
  result<std::int64_t> incr(std::string_view key, std::int64_t by = 1);
  /// HSET of one field: true when the field is new.
  result<bool> hset(std::string_view key, std::string_view field, std::string_view value);
  /// HMSET of several fields at once.
  result<void> hmset(std::string_view key,
                     const std::vector<std::pair<std::string, std::string>>& fields);
  /// HGET: the field's value, or nullopt when the key or field does not exist.
  result<std::optional<std::string>> hget(std::string_view key, std::string_view field);
  /// HGETALL: every field of the hash (empty when the key does not exist).
  result<std::map<std::string, std::string>> hgetall(std::string_view key);

 private:
  result<kv_reply> checked(std::vector<std::string> args);
};

}  // namespace stratus::backend
