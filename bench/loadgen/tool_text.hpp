#pragma once
// Small pieces every load tool here uses for its report and start-up (stratus-bench,
// stratus-fanout).
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace stratus::loadgen {

/// snprintf into a std::string (up to 1 KiB).
template <class... A>
std::string printf_string(const char* format, A... args) {
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

/// Parses a whole command-line number (floating-point ones must not be negative).
template <class T>
bool parse_number(std::string_view text, T& out) {
  if constexpr (std::is_floating_point_v<T>) {
    char* end = nullptr;
    std::string copy(text);
    out = std::strtod(copy.c_str(), &end);
    return !copy.empty() && *end == '\0' && out >= 0;
  } else {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
  }
}

/// `text` as the inside of a JSON string.
std::string json_escape(const std::string& text);

/// Raises the open-file limit to the hard limit; warns on stderr when it is still below
/// `sockets` (+64) of the given `what` ("connections", "members").
void raise_fd_limit(int sockets, const char* what);

}  // namespace stratus::loadgen
