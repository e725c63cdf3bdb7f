#include "support/mariadb_server.hpp"

#include <mysql.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

// A data directory with the system tables installed, made once per machine and mariadbd build
// and copied for each server: mariadb-install-db is slow (fsync-bound) and its parallel runs
// collide. An exclusive lock serialises its creation between test processes.
std::string installed_template() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = std::string(tmp && *tmp ? tmp : "/tmp");
  struct stat binary {};
  ::stat("/usr/sbin/mariadbd", &binary);
  auto dir = base + "/stratus-mariadb-template-" + std::to_string(binary.st_size) + "-" +
             std::to_string(binary.st_mtime);
  int lock = ::open((base + "/stratus-mariadb-template.lock").c_str(), O_CREAT | O_RDWR, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock template");
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/complete", ec)) {
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    auto cmd = "mariadb-install-db --no-defaults --datadir=" + dir + "/data" +
               " --auth-root-authentication-method=normal --skip-test-db"
               " --innodb-log-file-size=8M --innodb-buffer-pool-size=16M > " +
               dir + "/install.log 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      ::close(lock);
      throw std::runtime_error("mariadb-install-db failed; see " + dir + "/install.log");
    }
    std::ofstream(dir + "/complete") << "ok\n";
  }
  ::close(lock);  // releases the lock
  return dir + "/data";
}

}  // namespace

mariadb_server::mariadb_server() : port_(free_loopback_port()) {
  std::filesystem::copy(installed_template(), dir_.path() + "/data",
                        std::filesystem::copy_options::recursive);
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

mariadb_server& shared_mariadb() {
  static auto server = std::make_unique<mariadb_server>();
  return *server;
}

}  // namespace stratus::test_support
