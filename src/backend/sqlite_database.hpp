#pragma once
// sql_database on an SQLite file: the embedded default when no MySQL is configured.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "backend/query_monitor.hpp"
#include "backend/sql_database.hpp"
#include "backend/waitable_mutex.hpp"

struct sqlite3;

namespace stratus::backend {

class sqlite_session;

/// Settings of an SQLite database.
struct sqlite_options {
  std::string path;                               ///< file (parent dirs created) or ":memory:"
  std::chrono::milliseconds busy_timeout{2000};   ///< wait for another process's lock
  std::chrono::milliseconds query_timeout{5000};  ///< a statement running longer is interrupted
  std::chrono::milliseconds slow_query_threshold{200};  ///< statements at least this slow count
  slow_query_hook on_slow_query;                        ///< told about each slow statement
};

/// One SQLite connection in WAL mode, serialised by a mutex: SQLite allows one writer at a time
/// anyway, and the embedded default needs no pool. A transaction holds the connection for its
/// whole body; other callers wait for it (at most the busy timeout, then `timeout`).
class sqlite_database final : public sql_database {
 public:
  /// Opens (creating if needed) the database file and sets WAL, busy timeout, foreign keys.
  static result<std::unique_ptr<sqlite_database>> open(sqlite_options options);
  /// Closes the connection.
  ~sqlite_database() override;
  sqlite_database(const sqlite_database&) = delete;
  sqlite_database& operator=(const sqlite_database&) = delete;

  result<sql_rows> query(std::string_view sql, std::vector<sql_value> params = {}) override;
  result<exec_result> exec(std::string_view sql, std::vector<sql_value> params = {}) override;
  result<void> transaction(const transaction_body& body) override;
  std::string_view engine() const override { return "sqlite"; }
  sql_stats stats() const override;

 private:
  sqlite_database(sqlite3* db, sqlite_options options);

  sqlite3* db_;
  sqlite_options options_;
  waitable_mutex mutex_;  // statements wait at most busy_timeout for a long transaction
  std::unique_ptr<sqlite_session> session_;
  query_monitor monitor_;
};

}  // namespace stratus::backend
