#pragma once
// The debug console's commands (skynet's debug_console in spirit): one line in, text out.

#include <chrono>
#include <string>
#include <string_view>

#include "runtime/service.hpp"

namespace stratus::admin {

/// What the commands may touch besides the node.
struct console_context {
  std::chrono::steady_clock::time_point started;  ///< for `uptime`
  bool stall_enabled = false;                     ///< `stall` exists (admin_test_stall)
};

/// Runs one command line inside `self` (the console service) and returns its output, ending
/// with "<CMD OK>" or "<CMD Error>" on a line of its own. Never waits more than about 1 s per
/// service asked, so a stuck service cannot hang the console.
runtime::task<std::string> run_console_command(runtime::service& self, const console_context& ctx,
                                               std::string line);

/// The address of a service given as ".name", "name" or ":0000000a" (hex), or no_address.
runtime::address resolve_service(const runtime::node& node, std::string_view what);

}  // namespace stratus::admin
