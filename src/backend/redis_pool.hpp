#pragma once
// A fixed-size pool of Redis connections with shared reconnect backoff.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/kv_stats.hpp"
#include "backend/reconnect_gate.hpp"
#include "backend/redis_connection.hpp"
#include "backend/redis_options.hpp"
#include "backend/result.hpp"

namespace stratus::backend {

/// N Redis connections handed out one caller at a time. Connections open lazily; a broken one is
/// dropped and re-opened on a later lease. Once a connect fails the server counts as down: leases
/// fail fast with `backend_unavailable` until the backoff delay (doubling, capped) has passed,
/// then one caller probes again. Thread-safe.
class redis_pool {
 public:
  /// Creates the pool; no connection is opened yet (see warm_up()).
  explicit redis_pool(redis_options options);
  ~redis_pool();
  redis_pool(const redis_pool&) = delete;
  redis_pool& operator=(const redis_pool&) = delete;

  /// Exclusive use of one connection; returns it to the pool when destroyed.
  class lease {
   public:
    lease(lease&& other) noexcept;
    lease& operator=(lease&&) = delete;
    ~lease();
    /// The leased connection.
    redis_connection& operator*() const;
    /// The leased connection.
    redis_connection* operator->() const { return &**this; }

   private:
    friend class redis_pool;
    lease(redis_pool* pool, std::size_t slot) : pool_(pool), slot_(slot) {}
    redis_pool* pool_;
    std::size_t slot_;
  };

  /// A connected connection, waiting at most the command timeout for a free one.
  result<lease> acquire();
  /// Opens every connection now; fails with the first connect error.
  result<void> warm_up();
  /// Records the outcome of one command for the statistics.
  void count(bool ok, bool error_reply);
  /// Current counters.
  kv_stats stats() const;
  /// The options the pool was created with.
  const redis_options& options() const { return options_; }

 private:
  struct slot {
    std::unique_ptr<redis_connection> conn;
    bool ever_connected = false;
  };
  void give_back(std::size_t index);
  void drop(slot& s);
  void drop_idle();
  result<void> ensure_connected(slot& s);

  redis_options options_;
  reconnect_gate gate_;
  std::vector<slot> slots_;
  std::mutex mutex_;
  std::condition_variable free_cv_;
  std::vector<std::size_t> free_;
  std::atomic<std::uint64_t> up_{0}, ok_{0}, failed_{0}, error_replies_{0}, reconnects_{0};
};

}  // namespace stratus::backend
