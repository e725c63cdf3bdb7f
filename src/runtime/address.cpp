#include "runtime/address.hpp"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "runtime/result.hpp"

namespace stratus::runtime {

std::string format_address(address a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, ":%08x", a);
  return buf;
}

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  std::string name = status == 0 && out ? std::string(out.get()) : std::string(mangled);
  // Keep the last component: "calculator", not "game::(anonymous namespace)::calculator".
  std::size_t depth = 0, cut = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    if (ch == '<' || ch == '(') ++depth;
    if ((ch == '>' || ch == ')') && depth > 0) --depth;
    if (depth == 0 && ch == ':' && i + 1 < name.size() && name[i + 1] == ':') cut = i + 2;
  }
  return name.substr(cut);
}

const char* to_string(call_errc code) noexcept {
  switch (code) {
    case call_errc::timeout:
      return "timeout";
    case call_errc::dead_service:
      return "dead_service";
    case call_errc::no_such_service:
      return "no_such_service";
    case call_errc::handler_failed:
      return "handler_failed";
    case call_errc::no_handler:
      return "no_handler";
    case call_errc::stopped:
      return "stopped";
    case call_errc::overloaded:
      return "overloaded";
    case call_errc::node_down:
      return "node_down";
  }
  return "unknown";
}

}  // namespace stratus::runtime
