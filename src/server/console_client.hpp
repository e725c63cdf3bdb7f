#pragma once
// `stratus console`: relays stdin to the running node's debug console and its answers to
// stdout, until either side closes.

#include <cstdint>
#include <string>

namespace stratus::server {

/// Connects to host:port and relays; returns 0 when the console closed, 1 when it cannot be
/// reached (the reason goes to stderr).
int run_console_client(const std::string& host, std::uint16_t port);

}  // namespace stratus::server
