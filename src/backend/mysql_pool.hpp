#pragma once
// A fixed-size pool of MySQL connections with shared reconnect backoff.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/mysql_connection.hpp"
#include "backend/mysql_options.hpp"
#include "backend/reconnect_gate.hpp"

namespace stratus::backend {

/// N MySQL connections handed out one caller at a time. Connections open lazily; a broken one is
/// dropped and re-opened on a later lease. Once a connect fails the server counts as down: leases
/// fail fast with `backend_unavailable` until the backoff delay (doubling, capped) has passed,
/// then one caller probes again. Thread-safe.
class mysql_pool {
 public:
  /// Creates the pool; no connection is opened yet (see warm_up()).
  explicit mysql_pool(mysql_options options);
  ~mysql_pool();
  mysql_pool(const mysql_pool&) = delete;
  mysql_pool& operator=(const mysql_pool&) = delete;

  /// Exclusive use of one connection; returns it to the pool when destroyed.
  class lease {
   public:
    lease(lease&& other) noexcept;
    lease& operator=(lease&&) = delete;
    ~lease();
    /// The leased connection.
    mysql_connection& operator*() const;
    /// The leased connection.
    mysql_connection* operator->() const { return &**this; }

   private:
    friend class mysql_pool;
    lease(mysql_pool* pool, std::size_t slot) : pool_(pool), slot_(slot) {}
    mysql_pool* pool_;
    std::size_t slot_;
  };

  /// A connected connection, waiting at most the query timeout for a free one.
  result<lease> acquire();
  /// Opens every connection now; fails with the first connect error.
  result<void> warm_up();
  /// Fills the connection counters of `stats`.
  void fill(sql_stats& stats) const;

 private:
  struct slot {
    std::unique_ptr<mysql_connection> conn;
    bool ever_connected = false;
  };
  void give_back(std::size_t index);
  void drop(slot& s);
  void drop_idle();
  result<void> ensure_connected(slot& s);

  mysql_options options_;
  reconnect_gate gate_;
  std::vector<slot> slots_;
  std::mutex mutex_;
  std::condition_variable free_cv_;
  std::vector<std::size_t> free_;
  std::atomic<std::uint64_t> up_{0}, reconnects_{0};
};

}  // namespace stratus::backend
