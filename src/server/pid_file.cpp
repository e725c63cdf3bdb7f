#include "server/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace stratus::server {
namespace {

std::string os_error(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

/// The pid written in the file, or "unknown" when unreadable.
std::string read_pid(int fd) {
  char buffer[32] = {};
  ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unknown" : text;
}

}  // namespace

pid_file::pid_file(std::filesystem::path path) : path_(std::move(path)) {
  if (path_.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path_.parent_path(), ec);
    if (ec) {
      throw std::runtime_error("cannot create " + path_.parent_path().string() + ": " +
                               ec.message());
    }
  }
  // O_NOFOLLOW: a symlink planted at the pid path must not make us write through it.
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) throw std::runtime_error(os_error("cannot open pid file", path_));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    std::string pid = read_pid(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw already_running("stratus is already running (pid " + pid + ", pid file " +
                            path_.string() + ")");
    }
    errno = error;
    throw std::runtime_error(os_error("cannot lock pid file", path_));
  }
}

pid_file::~pid_file() {
  if (fd_ < 0) return;
  if (owned_) ::unlink(path_.c_str());  // while still locked: nobody can take it in between
  ::close(fd_);
}

void pid_file::write(pid_t pid) {
  std::string text = std::to_string(pid) + "\n";
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error(os_error("cannot write pid file", path_));
  }
  owned_ = true;
}

void pid_file::hand_over() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace stratus::server
