#pragma once
// The one explicit list of services the node starts (skynet's bootstrap/main.lua).

#include <chrono>

#include "runtime/config.hpp"
#include "runtime/node.hpp"

namespace stratus::server {

/// Registers service types and launches the node's services; called once after node.start().
/// Throws std::runtime_error when a service cannot start (the binary then exits 1).
void bootstrap(runtime::node& node, const runtime::config& cfg);

/// SIGHUP: the gateway reads its TLS certificate and key again (new connections get the new
/// pair, open ones keep theirs; a bad pair is logged and the old one stays). Returns at once.
void reload_tls(runtime::node& node);

/// The graceful stop of SIGTERM/SIGINT (wire.md "Drain"): the gateway stops accepting, every
/// connection finishes the requests it has (replies sent) and closes with 1001, no session is
/// kept for a resume; then the node stops. Returns at once; bounded by `timeout`.
void drain_and_stop(runtime::node& node, std::chrono::milliseconds timeout);

}  // namespace stratus::server
