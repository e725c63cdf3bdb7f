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

/// A connection seen through a monitor: every statement is counted and timed.
class monitored_connection final : public sql_connection {
 public:
  monitored_connection(sql_connection& inner, query_monitor& monitor)
      : inner_(inner), monitor_(monitor) {}
  result<sql_rows> query(std::string_view sql, std::vector<sql_value> params) override {
    auto start = std::chrono::steady_clock::now();
    auto r = inner_.query(sql, std::move(params));
    monitor_.record(sql, start, r.ok());
    return r;
  }
  result<exec_result> exec(std::string_view sql, std::vector<sql_value> params) override {
    auto start = std::chrono::steady_clock::now();
    auto r = inner_.exec(sql, std::move(params));
    monitor_.record(sql, start, r.ok());
    return r;
  }

 private:
  sql_connection& inner_;
  query_monitor& monitor_;
};

}  // namespace stratus::backend
