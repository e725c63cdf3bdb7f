#pragma once
// Closed-loop load client for net_echo: N connections, K requests in flight each.

#include <cstdint>
#include <string>

namespace stratus::bench {

/// What the client does.
struct client_options {
  /// Server address.
  std::string host = "127.0.0.1";
  /// Server port.
  std::uint16_t port = 9100;
  /// Connections to open.
  int connections = 100;
  /// Requests outstanding per connection.
  int inflight = 1;
  /// Payload bytes per request.
  int size = 32;
  /// Seconds measured (after one second of warm-up).
  double duration = 5;
  /// Open the connections, report server memory, send nothing.
  bool idle = false;
  /// Server process to read VmRSS from in idle mode (0: none).
  int server_pid = 0;
};

/// Runs the client; prints results to stdout; returns a process exit code.
int run_client(const client_options& options);

}  // namespace stratus::bench
