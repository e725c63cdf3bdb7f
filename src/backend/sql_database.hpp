#pragma once
// Abstract SQL database: parameterised statements only, transactions, statistics.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "backend/result.hpp"
#include "backend/sql_value.hpp"

namespace stratus::backend {

/// One connection's statements. Values are always bound as parameters (`?` placeholders);
/// there is no way to run SQL assembled from data. One statement per call.
class sql_connection {
 public:
  virtual ~sql_connection() = default;
  /// Runs a statement that returns rows.
  virtual result<sql_rows> query(std::string_view sql, std::vector<sql_value> params = {}) = 0;
  /// Runs a statement that changes data (or schema) and reports what it did.
  virtual result<exec_result> exec(std::string_view sql, std::vector<sql_value> params = {}) = 0;
};

/// Body of a transaction: return an error (or throw) to roll back, success to commit.
using transaction_body = std::function<result<void>(sql_connection&)>;

/// Called for each statement slower than the configured threshold; the service logs it.
using slow_query_hook = std::function<void(std::string_view sql, std::chrono::microseconds took)>;

/// A snapshot of a database client's counters.
struct sql_stats {
  std::uint64_t pool_size = 0;       ///< configured connections
  std::uint64_t connections_up = 0;  ///< connections open right now
  std::uint64_t queries_ok = 0;      ///< statements that succeeded
  std::uint64_t queries_failed = 0;  ///< statements that failed, for any reason
  std::uint64_t slow_queries = 0;    ///< statements slower than the threshold
  std::uint64_t reconnects = 0;      ///< connections re-established after a loss
};

/// A database reached through connections it manages. Thread-safe; calls block, bounded by the
/// configured timeouts.
class sql_database : public sql_connection {
 public:
  /// Runs `body` on one connection inside BEGIN ... COMMIT; rolls back when the body fails or
  /// throws (the exception is rethrown). Returns the body's error, or the commit's.
  virtual result<void> transaction(const transaction_body& body) = 0;
  /// "sqlite" or "mysql": picks engine-specific migration files.
  virtual std::string_view engine() const = 0;
  /// Current counters.
  virtual sql_stats stats() const = 0;
};

}  // namespace stratus::backend
