#include "backend/query_monitor.hpp"

namespace stratus::backend {

void query_monitor::record(std::string_view sql, std::chrono::steady_clock::time_point start,
                           bool ok) {
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  (ok ? ok_ : failed_).fetch_add(1, std::memory_order_relaxed);
  if (took >= threshold_) {
    slow_.fetch_add(1, std::memory_order_relaxed);
    if (hook_) hook_(sql, took);
  }
}

void query_monitor::fill(sql_stats& stats) const {
  stats.queries_ok = ok_.load(std::memory_order_relaxed);
  stats.queries_failed = failed_.load(std::memory_order_relaxed);
  stats.slow_queries = slow_.load(std::memory_order_relaxed);
}

}  // namespace stratus::backend
