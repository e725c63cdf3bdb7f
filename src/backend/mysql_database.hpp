#pragma once
// sql_database on MySQL/MariaDB through a pool of prepared-statement connections.

#include <memory>

#include "backend/mysql_options.hpp"
#include "backend/mysql_pool.hpp"
#include "backend/query_monitor.hpp"
#include "backend/sql_database.hpp"

namespace stratus::backend {

/// MySQL-backed database: each call leases a pooled connection for one statement or one
/// transaction. Calls fail with `backend_unavailable` (fast, while the server is known down),
/// `timeout`, or `bad_request` (bad SQL, constraint violation); the pool reconnects on its own.
class mysql_database final : public sql_database {
 public:
  /// Creates the database client and its pool; connections open on first use or in warm_up().
  explicit mysql_database(mysql_options options);

  result<sql_rows> query(std::string_view sql, std::vector<sql_value> params = {}) override;
  result<exec_result> exec(std::string_view sql, std::vector<sql_value> params = {}) override;
  result<void> transaction(const transaction_body& body) override;
  std::string_view engine() const override { return "mysql"; }
  sql_stats stats() const override;

  /// Opens every pooled connection now (a start-up check); fails if MySQL is unreachable.
  result<void> warm_up() { return pool_.warm_up(); }

 private:

  mysql_pool pool_;
  mutable query_monitor monitor_;
};

}  // namespace stratus::backend
