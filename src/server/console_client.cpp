#include "server/console_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace stratus::server {

namespace {

/// Writes all of `data`; false on error.
bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

int run_console_client(const std::string& host, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (port == 0 || ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    std::fprintf(stderr,
                 "stratus console: no console configured (console_host %s, console_port %u)\n",
                 host.c_str(), static_cast<unsigned>(port));
    return 1;
  }
  const int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || ::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "stratus console: cannot connect to %s:%u: %s\n", host.c_str(),
                 static_cast<unsigned>(port), std::strerror(errno));
    if (sock >= 0) ::close(sock);
    return 1;
  }
  // Relay until the console closes; at the end of stdin, half-close so it answers what it got.
  bool stdin_open = true;
  char buf[4096];
  for (;;) {
    pollfd fds[2] = {{sock, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) {
      const ssize_t n = ::read(sock, buf, sizeof buf);
      if (n <= 0 || !write_all(1, buf, static_cast<std::size_t>(n))) break;
    }
    if (stdin_open && fds[1].revents != 0) {
      const ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
        ::shutdown(sock, SHUT_WR);
      } else if (!write_all(sock, buf, static_cast<std::size_t>(n))) {
        break;
      }
    }
  }
  ::close(sock);
  return 0;
}

}  // namespace stratus::server
