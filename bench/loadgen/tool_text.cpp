#include "loadgen/tool_text.hpp"

#include <sys/resource.h>

namespace stratus::loadgen {

std::string json_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += printf_string("\\u%04x", static_cast<unsigned>(c));
      continue;
    }
    out += c;
  }
  return out;
}

void raise_fd_limit(int sockets, const char* what) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < static_cast<rlim_t>(sockets) + 64) {
    std::fprintf(stderr, "warning: open-file limit %llu is below %d %s (ulimit -n)\n",
                 static_cast<unsigned long long>(limit.rlim_cur), sockets, what);
  }
}

}  // namespace stratus::loadgen
