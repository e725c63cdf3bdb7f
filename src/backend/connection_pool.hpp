#pragma once
// A fixed-size pool of connections to one server (Redis or MySQL) with a shared reconnect
// backoff: what redis_pool and mysql_pool have in common.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/reconnect_gate.hpp"
#include "backend/result.hpp"

namespace stratus::backend {

/// N connections handed out one caller at a time. Connections open lazily; a broken one is
/// dropped and re-opened on a later lease. Once a connect fails the server counts as down:
/// leases fail fast with `backend_unavailable` until the backoff delay (doubling, capped) has
/// passed, then one caller probes again. Thread-safe.
///
/// Connection: `static result<std::unique_ptr<Connection>> open(const Options&)`, `bool broken()`
/// (this connection is unusable) and `bool lost()` (the server went away). Options: `host`,
/// `port`, `pool_size`, `backoff_first`, `backoff_max`.
template <class Connection, class Options>
class connection_pool {
 public:
  /// `what` names the server in errors ("redis"); a lease waits at most `wait` for a free slot.
  connection_pool(Options options, std::chrono::milliseconds wait, std::string what)
      : options_(std::move(options)),
        wait_(wait),
        what_(std::move(what)),
        gate_(options_.backoff_first, options_.backoff_max),
        slots_(std::max<std::size_t>(options_.pool_size, 1)) {
    for (std::size_t i = slots_.size(); i > 0; --i) free_.push_back(i - 1);
  }
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  /// Exclusive use of one connection; returns it to the pool when destroyed.
  class lease {
   public:
    lease(lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_) {}
    lease& operator=(lease&&) = delete;
    ~lease() {
      if (pool_) pool_->give_back(slot_);
    }
    /// The leased connection.
    Connection& operator*() const { return *pool_->slots_[slot_].conn; }
    /// The leased connection.
    Connection* operator->() const { return &**this; }

   private:
    friend class connection_pool;
    lease(connection_pool* pool, std::size_t slot) : pool_(pool), slot_(slot) {}
    connection_pool* pool_;
    std::size_t slot_;
  };

  /// A connected connection, waiting at most `wait` for a free one.
  result<lease> acquire() {
    std::size_t index = 0;
    {
      std::unique_lock lock(mutex_);
      if (!free_cv_.wait_for(lock, wait_, [this] { return !free_.empty(); }))
        return fail(error_code::timeout, "all " + std::to_string(slots_.size()) + " " + what_ +
                                             " connections stayed busy");
      index = free_.back();
      free_.pop_back();
    }
    lease held(this, index);
    if (auto r = ensure_connected(slots_[index]); !r) return r.error();
    return held;
  }

  /// Opens every connection now; fails with the first connect error.
  result<void> warm_up() {
    std::vector<lease> held;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      auto l = acquire();
      if (!l) return l.error();
      held.push_back(std::move(*l));
    }
    return {};
  }

  /// The options the pool was created with.
  const Options& options() const { return options_; }
  /// Connections in the pool, open or not.
  std::size_t size() const { return slots_.size(); }
  /// Connections open now.
  std::uint64_t up() const { return up_.load(std::memory_order_relaxed); }
  /// Connections opened again after they had been open once.
  std::uint64_t reconnects() const { return reconnects_.load(std::memory_order_relaxed); }

 private:
  struct slot {
    std::unique_ptr<Connection> conn;
    bool ever_connected = false;
  };

  void drop(slot& s) {
    if (s.conn) {
      s.conn.reset();
      up_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  void drop_idle() {
    // Idle slots are only touched under the mutex, so no caller is using them.
    std::lock_guard lock(mutex_);
    for (auto i : free_) drop(slots_[i]);
  }

  void give_back(std::size_t index) {
    auto& s = slots_[index];
    const bool lost = s.conn && s.conn->lost();
    if (s.conn && s.conn->broken()) drop(s);
    // The server went away: the idle connections are dead as well, so close them now rather
    // than let each fail one more caller after a restart.
    if (lost) drop_idle();
    {
      std::lock_guard lock(mutex_);
      free_.push_back(index);
    }
    free_cv_.notify_one();
  }

  result<void> ensure_connected(slot& s) {
    // Known down: idle connections are stale; drop them and fail fast unless it is time to probe.
    if (gate_.down()) drop(s);
    if (s.conn) return {};
    if (!gate_.may_connect())
      return fail(error_code::backend_unavailable,
                  what_ + " at " + options_.host + ":" + std::to_string(options_.port) +
                      " is down; waiting before the next connect attempt");
    auto conn = Connection::open(options_);
    if (!conn) {
      gate_.connect_failed();
      drop_idle();
      return conn.error();
    }
    gate_.connected();
    s.conn = std::move(*conn);
    up_.fetch_add(1, std::memory_order_relaxed);
    if (s.ever_connected) reconnects_.fetch_add(1, std::memory_order_relaxed);
    s.ever_connected = true;
    return {};
  }

  const Options options_;
  const std::chrono::milliseconds wait_;
  const std::string what_;
  reconnect_gate gate_;
  std::vector<slot> slots_;
  std::mutex mutex_;
  std::condition_variable free_cv_;
  std::vector<std::size_t> free_;
  std::atomic<std::uint64_t> up_{0}, reconnects_{0};
};

}  // namespace stratus::backend
