#pragma once
// A throwaway mariadbd on a free loopback port, with a database and a password user, for tests.

#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace stratus::test_support {

/// mariadbd with a fresh data directory in a scratch dir (a copy of a once-installed template).
/// The constructor starts it and creates database `database()` owned by `user()`/`password()`.
class mariadb_server {
 public:
  /// Copies the template, starts and provisions the server. Throws if any step fails.
  mariadb_server();

  /// Kills the server at once (SIGKILL), as a crash would.
  void kill();
  /// Starts it again on the same port and data directory and waits until it accepts logins.
  void start();

  /// TCP port on 127.0.0.1.
  int port() const { return port_; }
  /// Database the test user owns.
  std::string database() const { return "stratus_test"; }
  /// Test user name.
  std::string user() const { return "stratus"; }
  /// Test user's password.
  std::string password() const { return "s3cret-pw"; }

 private:
  void provision();

  scratch_dir dir_{"stratus-mariadb"};
  int port_;
  std::unique_ptr<child_process> process_;
};

/// One server per test process, started on first use and killed when the process exits.
/// Tests that kill it must start it again before they end.
mariadb_server& shared_mariadb();

}  // namespace stratus::test_support
