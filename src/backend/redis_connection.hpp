#pragma once
// One blocking hiredis connection.

#include <memory>
#include <string>
#include <vector>

#include "backend/kv_reply.hpp"
#include "backend/redis_options.hpp"
#include "backend/result.hpp"

struct redisContext;

namespace stratus::backend {

/// A connected, authenticated hiredis context. Not thread-safe: one user at a time (the pool
/// guarantees it). After an I/O error or a timeout it is `broken()` and must be discarded.
class redis_connection {
 public:
  /// Connects, sets the command timeout, sends AUTH and SELECT as configured.
  static result<std::unique_ptr<redis_connection>> open(const redis_options& options);
  ~redis_connection();
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  /// Sends one command (binary-safe) and waits for its reply.
  result<kv_reply> command(const std::vector<std::string>& args);
  /// Sends all commands, then reads all replies, in order.
  result<std::vector<kv_reply>> pipeline(const std::vector<std::vector<std::string>>& cmds);
  /// True once the connection failed; its reply stream can no longer be trusted.
  bool broken() const { return broken_; }
  /// True when it broke because the server went away (not a timeout): its peers are suspect too.
  bool lost() const { return lost_; }

 private:
  explicit redis_connection(redisContext* context, std::string where);
  bool append(const std::vector<std::string>& args);
  result<kv_reply> read_reply();
  error io_failure();

  redisContext* context_;
  std::string where_;  // "host:port" for messages
  bool broken_ = false;
  bool lost_ = false;
};

}  // namespace stratus::backend
