#pragma once
// Statement execution on one open SQLite handle (used by sqlite_database under its lock).

#include <chrono>
#include <string>
#include <unordered_map>

#include "backend/sql_database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace stratus::backend {

/// Runs parameterised statements on a borrowed sqlite3 handle, caching prepared statements and
/// interrupting any statement that runs past the query timeout. Not thread-safe.
class sqlite_session final : public sql_connection {
 public:
  /// Uses `db` (not owned) with the given per-statement timeout.
  sqlite_session(sqlite3* db, std::chrono::milliseconds query_timeout);
  /// Finalizes the cached statements.
  ~sqlite_session() override;
  sqlite_session(const sqlite_session&) = delete;
  sqlite_session& operator=(const sqlite_session&) = delete;

  result<sql_rows> query(std::string_view sql, std::vector<sql_value> params = {}) override;
  result<exec_result> exec(std::string_view sql, std::vector<sql_value> params = {}) override;

 private:
  result<sqlite3_stmt*> prepare(std::string_view sql, const std::vector<sql_value>& params);
  error failure(int rc);
  static int on_progress(void* self);

  sqlite3* db_;
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_{};
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace stratus::backend
