#pragma once
// Counts statements and reports slow ones; shared by the SQL clients.

#include <atomic>
#include <chrono>

#include "backend/sql_database.hpp"

namespace stratus::backend {

/// Outcome counters plus the slow-query threshold and hook. Thread-safe.
class query_monitor {
 public:
  /// Statements taking `threshold` or longer count as slow and go to `hook` (if set).
  query_monitor(std::chrono::milliseconds threshold, slow_query_hook hook)
      : threshold_(threshold), hook_(std::move(hook)) {}

  /// Records one statement that started at `start`.
  void record(std::string_view sql, std::chrono::steady_clock::time_point start, bool ok);
  /// Fills the statement counters of `stats`.
  void fill(sql_stats& stats) const;

 private:
  std::chrono::milliseconds threshold_;
  slow_query_hook hook_;
  std::atomic<std::uint64_t> ok_{0}, failed_{0}, slow_{0};
};

}  // namespace stratus::backend
