#include "server/daemon.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace stratus::server {
namespace {

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

/// The parent: reads the child's report until the child closes the pipe, then exits.
[[noreturn]] void wait_for_child(int fd, pid_t child, const pid_file& pids,
                                 const std::string& log_path) {
  std::string report;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.append(buffer, static_cast<std::size_t>(n));
  }
  int code = 0;
  if (report == "ok") {
    std::printf("stratus started as a daemon: pid %d, log %s, pid file %s\n",
                static_cast<int>(child), log_path.c_str(), pids.path().c_str());
  } else {
    if (report.empty()) report = "the daemon exited during start-up (see " + log_path + ")";
    std::fprintf(stderr, "stratus: %s\n", report.c_str());
    code = 1;
  }
  std::fflush(nullptr);
  ::_exit(code);  // no destructors: the child owns the pid file and the lock now
}

}  // namespace

startup_report::~startup_report() {
  if (fd_ >= 0) failed("start-up ended without a report");
}

startup_report& startup_report::operator=(startup_report&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) failed("start-up ended without a report");
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void startup_report::ready() {
  if (fd_ < 0) return;
  std::fflush(nullptr);
  int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) ::close(null_fd);
  }
  write_all(fd_, "ok");
  ::close(fd_);
  fd_ = -1;
}

void startup_report::failed(const std::string& reason) {
  if (fd_ < 0) return;
  write_all(fd_, reason);
  ::close(fd_);
  fd_ = -1;
}

startup_report daemonize(pid_file& pids, const std::string& log_path) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::fflush(nullptr);
  pid_t child = ::fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child > 0) {
    ::close(pipe_fds[1]);
    pids.hand_over();
    wait_for_child(pipe_fds[0], child, pids, log_path);
  }
  ::close(pipe_fds[0]);
  ::setsid();
  startup_report report(pipe_fds[1]);
  pids.write(::getpid());
  return report;
}

}  // namespace stratus::server
