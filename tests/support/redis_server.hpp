#pragma once
// A throwaway redis-server on a free loopback port, for tests.

#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace stratus::test_support {

/// redis-server without persistence in a scratch directory. Starts in the constructor and
/// waits until it answers PING; dies with the object (or with the test process).
class redis_server {
 public:
  /// Starts the server; with a non-empty `password` it requires AUTH. Throws if it never answers.
  explicit redis_server(std::string password = "");

  /// Kills the server at once (SIGKILL), as a crash would.
  void kill();
  /// Starts it again on the same port and waits until it answers.
  void start();

  /// The TCP port on 127.0.0.1.
  int port() const { return port_; }
  /// The password clients must send ("" for none).
  const std::string& password() const { return password_; }

 private:
  std::string password_;
  scratch_dir dir_{"stratus-redis"};
  int port_;
  std::unique_ptr<child_process> process_;
};

}  // namespace stratus::test_support
