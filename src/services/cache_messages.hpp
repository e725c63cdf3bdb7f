#pragma once
// Typed messages of `.cacheproxyd`: one struct per operation, each naming its response type.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backend/kv_reply.hpp"
#include "backend/kv_stats.hpp"
#include "backend/result.hpp"

namespace stratus::services::cache {

/// GET key: the value or nullopt when absent.
struct get {
  std::string key;  ///< key to read
  using response = backend::result<std::optional<std::string>>;
};

/// SET key value, with an optional time to live.
struct set {
  std::string key;                               ///< key to write
  std::string value;                             ///< value stored
  std::optional<std::chrono::milliseconds> ttl;  ///< expiry; nullopt keeps it forever
  using response = backend::result<bool>;        ///< true on success
};

/// DEL key: true when it existed.
struct del {
  std::string key;  ///< key to remove
  using response = backend::result<bool>;
};

/// PEXPIRE key ttl: true when the key exists.
struct expire {
  std::string key;                ///< key to expire
  std::chrono::milliseconds ttl;  ///< time to live from now
  using response = backend::result<bool>;
};

/// INCRBY key by: the new value.
struct incr {
  std::string key;      ///< counter key
  std::int64_t by = 1;  ///< amount added
  using response = backend::result<std::int64_t>;
};

/// HSET key field value: true when the field is new.
struct hset {
  std::string key;    ///< hash key
  std::string field;  ///< field name
  std::string value;  ///< field value
  using response = backend::result<bool>;
};

/// HMSET key field value ...
struct hmset {
  std::string key;                                          ///< hash key
  std::vector<std::pair<std::string, std::string>> fields;  ///< fields written
  using response = backend::result<bool>;                   ///< true on success
};

/// HGET key field: the value or nullopt.
struct hget {
  std::string key;    ///< hash key
  std::string field;  ///< field name
  using response = backend::result<std::optional<std::string>>;
};

/// HGETALL key: every field (empty when absent).
struct hgetall {
  std::string key;  ///< hash key
  using response = backend::result<std::map<std::string, std::string>>;
};

/// Any command as raw arguments, command name first; error replies are values.
struct command {
  std::vector<std::string> args;  ///< e.g. {"TTL", "k"}
  using response = backend::result<backend::kv_reply>;
};

/// Many commands in one round trip; replies in order.
struct pipeline {
  std::vector<std::vector<std::string>> commands;  ///< each a raw command
  using response = backend::result<std::vector<backend::kv_reply>>;
};

/// The store's pool state and error counters.
struct stats {
  using response = backend::kv_stats;
};

}  // namespace stratus::services::cache
