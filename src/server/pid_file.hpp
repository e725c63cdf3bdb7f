#pragma once
// The daemon's pid file, held under an exclusive flock for the daemon's whole life: a second
// daemon fails to take the lock (no race between "is it running?" and "write my pid"), and a
// stale file left by a crash is simply taken over. `run.sh -k` tests the same lock.

#include <sys/types.h>

#include <filesystem>
#include <stdexcept>

namespace stratus::server {

/// The pid file names a live daemon that still holds its lock.
class already_running : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An exclusively locked pid file; unlocked (and removed when owned) on destruction.
class pid_file {
 public:
  /// Creates parent folders, opens and locks `path`. Throws already_running when another
  /// process holds the lock, std::runtime_error on I/O failure.
  explicit pid_file(std::filesystem::path path);
  /// Removes the file (when this process wrote it) and releases the lock.
  ~pid_file();
  pid_file(const pid_file&) = delete;
  pid_file& operator=(const pid_file&) = delete;

  /// Replaces the file's content with `pid` and a newline; from now on the file is removed
  /// when this object is destroyed.
  void write(pid_t pid);
  /// Closes this process's descriptor without unlocking or removing the file (the forked
  /// daemon shares the lock and keeps it).
  void hand_over() noexcept;
  /// The path of the file.
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace stratus::server
