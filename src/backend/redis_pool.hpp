#pragma once
// A fixed-size pool of Redis connections with shared reconnect backoff (see connection_pool),
// and the command counters of the cache.

#include <atomic>
#include <cstdint>

#include "backend/connection_pool.hpp"
#include "backend/kv_stats.hpp"
#include "backend/redis_connection.hpp"
#include "backend/redis_options.hpp"

namespace stratus::backend {

/// N Redis connections, one caller at a time each; a lease waits at most the command timeout.
class redis_pool : public connection_pool<redis_connection, redis_options> {
 public:
  /// Creates the pool; no connection is opened yet (see warm_up()).
  explicit redis_pool(const redis_options& options)
      : connection_pool(options, options.command_timeout, "redis") {}
  /// A connected connection; not getting one counts as a failed command.
  result<lease> acquire() {
    auto l = connection_pool::acquire();
    if (!l) failed_.fetch_add(1, std::memory_order_relaxed);
    return l;
  }
  /// Records the outcome of one command for the statistics.
  void count(bool ok, bool error_reply) {
    (ok ? ok_ : failed_).fetch_add(1, std::memory_order_relaxed);
    if (error_reply) error_replies_.fetch_add(1, std::memory_order_relaxed);
  }
  /// Current counters.
  kv_stats stats() const {
    kv_stats s;
    s.pool_size = size();
    s.connections_up = up();
    s.commands_ok = ok_.load(std::memory_order_relaxed);
    s.commands_failed = failed_.load(std::memory_order_relaxed);
    s.error_replies = error_replies_.load(std::memory_order_relaxed);
    s.reconnects = reconnects();
    return s;
  }

 private:
  std::atomic<std::uint64_t> ok_{0}, failed_{0}, error_replies_{0};
};

}  // namespace stratus::backend
