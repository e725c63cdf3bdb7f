#include "support/mariadb_server.hpp"

#include <mysql.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace stratus::test_support {
namespace {

// Root connection over the unix socket; null when the server does not accept it yet.
MYSQL* root_connect(const std::string& socket) {
  MYSQL* m = mysql_init(nullptr);
  unsigned int timeout = 1;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  if (!mysql_real_connect(m, nullptr, "root", nullptr, nullptr, 0, socket.c_str(), 0)) {
    mysql_close(m);
    return nullptr;
  }
  return m;
}

}  // namespace

mariadb_server::mariadb_server() : port_(free_loopback_port()) {
  auto data = dir_.path() + "/data";
  auto cmd = "mariadb-install-db --no-defaults --datadir=" + data +
             " --auth-root-authentication-method=normal --skip-test-db > " + dir_.path() +
             "/install.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("mariadb-install-db failed; see " + dir_.path() + "/install.log");
  }
  start();
  provision();
}

void mariadb_server::kill() {
  if (process_) process_->kill();
  process_.reset();
}

void mariadb_server::start() {
  kill();
  const auto& d = dir_.path();
  std::vector<std::string> argv{"mariadbd",
                                "--no-defaults",
                                "--user=root",
                                "--datadir=" + d + "/data",
                                "--socket=" + d + "/sock",
                                "--pid-file=" + d + "/mariadbd.pid",
                                "--port=" + std::to_string(port_),
                                "--bind-address=127.0.0.1",
                                "--skip-networking=0",
                                "--skip-name-resolve",
                                "--skip-log-bin",
                                "--innodb-buffer-pool-size=16M",
                                "--innodb-log-file-size=8M",
                                "--innodb-flush-log-at-trx-commit=2",
                                "--log-error=" + d + "/error.log"};
  process_ = std::make_unique<child_process>(argv, d + "/stdout.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (MYSQL* m = root_connect(d + "/sock")) {
      mysql_close(m);
      return;
    }
    if (!process_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("mariadbd did not start; see " + d + "/error.log");
}

void mariadb_server::provision() {
  MYSQL* m = root_connect(dir_.path() + "/sock");
  if (!m) throw std::runtime_error("cannot log in as root over the socket");
  // Fixed names from this file only; nothing here comes from test input.
  const std::string statements[] = {
      "CREATE DATABASE " + database() + " CHARACTER SET utf8mb4",
      "CREATE USER '" + user() + "'@'%' IDENTIFIED BY '" + password() + "'",
      "GRANT ALL PRIVILEGES ON " + database() + ".* TO '" + user() + "'@'%'", "FLUSH PRIVILEGES"};
  for (const auto& sql : statements) {
    if (mysql_query(m, sql.c_str()) != 0) {
      std::string why = mysql_error(m);
      mysql_close(m);
      throw std::runtime_error("provisioning failed: " + why);
    }
  }
  mysql_close(m);
}

}  // namespace stratus::test_support
