#pragma once
// A fixed-size pool of MySQL connections with shared reconnect backoff (see connection_pool).

#include "backend/connection_pool.hpp"
#include "backend/mysql_connection.hpp"
#include "backend/mysql_options.hpp"
#include "backend/sql_database.hpp"

namespace stratus::backend {

/// N MySQL connections, one caller at a time each; a lease waits at most the query timeout.
class mysql_pool : public connection_pool<mysql_connection, mysql_options> {
 public:
  /// Creates the pool; no connection is opened yet (see warm_up()).
  explicit mysql_pool(const mysql_options& options)
      : connection_pool(options, options.query_timeout, "mysql") {}
  /// Fills the connection counters of `stats`.
  void fill(sql_stats& stats) const {
    stats.pool_size = size();
    stats.connections_up = up();
    stats.reconnects = reconnects();
  }
};

}  // namespace stratus::backend
