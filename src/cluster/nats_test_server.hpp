#pragma once
// For tests and benchmarks of the cluster: a real nats-server on a free loopback port, started
// and stopped by the caller (Debian's package installs it as /usr/sbin/nats-server).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace stratus::cluster::testing {

inline constexpr const char* nats_binary = "/usr/sbin/nats-server";

inline std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_open(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

/// A nats-server on a loopback port, started and stopped by the test.
class nats_server {
 public:
  explicit nats_server(std::uint16_t port) : port_(port) { start(); }
  ~nats_server() { stop(); }
  void start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string p = std::to_string(port_);
      ::execl(nats_binary, nats_binary, "-a", "127.0.0.1", "-p", p.c_str(), nullptr);
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!port_open(port_) && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const noexcept { return pid_; }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace stratus::cluster::testing
