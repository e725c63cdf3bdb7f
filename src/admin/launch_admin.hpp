#pragma once
// Start-up of the operations services from the config: `.admin` (admin_port), `.console`
// (console_port) and, for tests, `.stall` (admin_test_stall).

#include "runtime/config.hpp"
#include "runtime/node.hpp"

namespace stratus::admin {

/// Launches what the config turns on and waits until each listens. Throws std::runtime_error
/// when a port cannot be bound (a start-up failure).
void launch_admin(runtime::node& node, const runtime::config& cfg);

}  // namespace stratus::admin
