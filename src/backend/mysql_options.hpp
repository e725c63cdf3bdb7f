#pragma once
// Settings of a MySQL/MariaDB client pool.

#include <chrono>
#include <cstddef>
#include <string>

#include "backend/sql_database.hpp"

namespace stratus::backend {

/// Where and how to reach MySQL or MariaDB.
struct mysql_options {
  std::string host = "127.0.0.1";  ///< server address (ignored when unix_socket is set)
  int port = 3306;                 ///< TCP port
  std::string unix_socket;         ///< socket path; empty for TCP
  std::string user;                ///< account name
  std::string password;            ///< never logged or put in messages
  std::string database;            ///< default schema
  std::size_t pool_size = 4;       ///< connections in the pool
  std::chrono::milliseconds connect_timeout{2000};  ///< bound on one connect (whole seconds)
  std::chrono::milliseconds query_timeout{5000};    ///< read/write bound per statement (seconds)
  std::chrono::milliseconds backoff_first{50};      ///< wait after the first failed connect
  std::chrono::milliseconds backoff_max{2000};      ///< the doubling wait stops growing here
  std::chrono::milliseconds slow_query_threshold{200};  ///< statements at least this slow count
  slow_query_hook on_slow_query;                        ///< told about each slow statement
};

}  // namespace stratus::backend
