#include "backend/mysql_pool.hpp"

namespace stratus::backend {

mysql_pool::mysql_pool(mysql_options options)
    : options_(std::move(options)),
      gate_(options_.backoff_first, options_.backoff_max),
      slots_(std::max<std::size_t>(options_.pool_size, 1)) {
  for (std::size_t i = slots_.size(); i > 0; --i) free_.push_back(i - 1);
}

mysql_pool::~mysql_pool() = default;

mysql_pool::lease::lease(lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) {
  other.pool_ = nullptr;
}

mysql_pool::lease::~lease() {
  if (pool_) pool_->give_back(slot_);
}

mysql_connection& mysql_pool::lease::operator*() const {
  return *pool_->slots_[slot_].conn;
}

void mysql_pool::drop(slot& s) {
  if (s.conn) {
    s.conn.reset();
    up_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void mysql_pool::drop_idle() {
  // Idle slots are only touched under the mutex, so no caller is using them.
  std::lock_guard lock(mutex_);
  for (auto i : free_) drop(slots_[i]);
}

void mysql_pool::give_back(std::size_t index) {
  auto& s = slots_[index];
  bool lost = s.conn && s.conn->lost();
  if (s.conn && s.conn->broken()) drop(s);
  // The server went away: the idle connections are dead as well.
  if (lost) drop_idle();
  {
    std::lock_guard lock(mutex_);
    free_.push_back(index);
  }
  free_cv_.notify_one();
}

result<void> mysql_pool::ensure_connected(slot& s) {
  // Known down: idle connections are stale; drop them and fail fast unless it is time to probe.
  if (gate_.down()) drop(s);
  if (s.conn) return {};
  if (!gate_.may_connect()) {
    return fail(error_code::backend_unavailable,
                "mysql at " + options_.host + ":" + std::to_string(options_.port) +
                    " is down; waiting before the next connect attempt");
  }
  auto conn = mysql_connection::open(options_);
  if (!conn) {
    gate_.connect_failed();
    drop_idle();
    return conn.err();
  }
  gate_.connected();
  s.conn = std::move(*conn);
  up_.fetch_add(1, std::memory_order_relaxed);
  if (s.ever_connected) reconnects_.fetch_add(1, std::memory_order_relaxed);
  s.ever_connected = true;
  return {};
}

result<mysql_pool::lease> mysql_pool::acquire() {
  std::size_t index = 0;
  {
    std::unique_lock lock(mutex_);
    if (!free_cv_.wait_for(lock, options_.query_timeout, [this] { return !free_.empty(); })) {
      return fail(error_code::timeout,
                  "all " + std::to_string(slots_.size()) + " mysql connections stayed busy");
    }
    index = free_.back();
    free_.pop_back();
  }
  lease held(this, index);
  if (auto r = ensure_connected(slots_[index]); !r) return r.err();
  return held;
}

result<void> mysql_pool::warm_up() {
  std::vector<lease> held;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    auto l = acquire();
    if (!l) return l.err();
    held.push_back(std::move(*l));
  }
  return {};
}

void mysql_pool::fill(sql_stats& stats) const {
  stats.pool_size = slots_.size();
  stats.connections_up = up_.load(std::memory_order_relaxed);
  stats.reconnects = reconnects_.load(std::memory_order_relaxed);
}

}  // namespace stratus::backend
