#pragma once
// The one explicit list of services the node starts (skynet's bootstrap/main.lua).

#include "runtime/config.hpp"
#include "runtime/node.hpp"

namespace stratus::server {

/// Registers service types and launches the node's services; called once after node.start().
/// Throws std::runtime_error when a service cannot start (the binary then exits 1).
void bootstrap(runtime::node& node, const runtime::config& cfg);

}  // namespace stratus::server
