#pragma once
// One blocking MariaDB Connector/C connection running prepared statements.

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "backend/mysql_options.hpp"
#include "backend/sql_database.hpp"

struct st_mysql;
struct st_mysql_stmt;

namespace stratus::backend {

/// A connected session (utf8mb4) with a cache of prepared statements. Not thread-safe: one user
/// at a time (the pool guarantees it). After a client-side error (connection lost, timeout) it is
/// `broken()` and must be discarded; server-side errors (duplicate key, bad SQL) leave it usable.
class mysql_connection final : public sql_connection {
 public:
  /// Connects with the configured timeouts, character set and default database.
  static result<std::unique_ptr<mysql_connection>> open(const mysql_options& options);
  ~mysql_connection() override;
  mysql_connection(const mysql_connection&) = delete;
  mysql_connection& operator=(const mysql_connection&) = delete;

  result<sql_rows> query(std::string_view sql, std::vector<sql_value> params = {}) override;
  result<exec_result> exec(std::string_view sql, std::vector<sql_value> params = {}) override;

  /// Starts a transaction.
  result<void> begin();
  /// Commits the current transaction.
  result<void> commit();
  /// Rolls the current transaction back.
  result<void> rollback();
  /// True once the connection failed at the client side.
  bool broken() const { return broken_; }
  /// True when it broke because the server went away (not a timeout): its peers are suspect too.
  bool lost() const { return lost_; }

 private:
  mysql_connection(st_mysql* handle, std::string where, std::chrono::milliseconds read_timeout);
  result<st_mysql_stmt*> prepare(std::string_view sql, std::vector<sql_value>& params);
  error failure(unsigned int code, const char* message);
  void forget(st_mysql_stmt* stmt);

  st_mysql* mysql_;
  std::string where_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::steady_clock::time_point started_{};
  std::unordered_map<std::string, st_mysql_stmt*> cache_;
  bool broken_ = false;
  bool lost_ = false;
};

}  // namespace stratus::backend
