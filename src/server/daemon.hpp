#pragma once
// Daemon mode (-D): fork, detach, and tell the waiting parent whether start-up succeeded, so
// `run.sh -D` exits non-zero with the reason when the daemon could not start.

#include <string>

#include "server/pid_file.hpp"

namespace stratus::server {

/// The daemon's side of the start-up pipe; the parent prints what it receives and exits.
class startup_report {
 public:
  /// Wraps the write end of the pipe (-1: foreground, nothing to report).
  explicit startup_report(int fd = -1) noexcept : fd_(fd) {}
  /// Reports a failure if nothing was reported yet.
  ~startup_report();
  startup_report(startup_report&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  /// Takes over `other`'s pipe (reporting a failure on this one's first, if still open).
  startup_report& operator=(startup_report&& other) noexcept;

  /// Start-up succeeded: the parent exits 0; stdin/stdout/stderr now point to /dev/null.
  void ready();
  /// Start-up failed for `reason`: the parent prints it and exits 1.
  void failed(const std::string& reason);

 private:
  int fd_;
};

/// Forks. The parent hands the pid file's lock over to the child, waits for the child's
/// report, prints it with `log_path` and exits (it never returns). The child becomes a session
/// leader, writes its pid into `pids` and returns the report it must complete.
startup_report daemonize(pid_file& pids, const std::string& log_path);

}  // namespace stratus::server
