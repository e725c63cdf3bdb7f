#pragma once
// Small pieces every load tool here uses for its report and start-up (stratus-bench,
// stratus-fanout).
#include <cstdio>
#include <string>

namespace stratus::loadgen {

/// snprintf into a std::string (up to 1 KiB).
template <class... A>
std::string printf_string(const char* format, A... args) {
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

/// `text` as the inside of a JSON string.
std::string json_escape(const std::string& text);

/// Raises the open-file limit to the hard limit; warns on stderr when it is still below
/// `sockets` (+64) of the given `what` ("connections", "members").
void raise_fd_limit(int sockets, const char* what);

}  // namespace stratus::loadgen
