#pragma once
// Settings of a Redis client pool.

#include <chrono>
#include <cstddef>
#include <string>

namespace stratus::backend {

/// Where and how to reach Redis.
struct redis_options {
  std::string host = "127.0.0.1";  ///< IP or name; a path starting with '/' is a unix socket
  int port = 6379;                 ///< TCP port (ignored for a unix socket)
  std::string password;            ///< sent with AUTH when non-empty; never logged
  int db = 0;                      ///< SELECTed after connecting when non-zero
  std::size_t pool_size = 4;       ///< connections in the pool
  std::chrono::milliseconds connect_timeout{1000};  ///< bound on one connect attempt
  std::chrono::milliseconds command_timeout{1000};  ///< bound on one command or pipeline
  std::chrono::milliseconds backoff_first{50};      ///< wait after the first failed connect
  std::chrono::milliseconds backoff_max{2000};      ///< the doubling wait stops growing here
};

}  // namespace stratus::backend
