#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include "net/ws_options.hpp"

namespace stratus::runtime {
class config;
}

namespace stratus::gate {

/// Everything the gateway reads from the config.
struct gate_options {
  net::ws_options ws;                         ///< listener and per-connection limits
  std::string protocol_type;                  ///< "protobuf" or "sproto"
  int max_bad_packets = 3;                    ///< malformed packets in a row before a 1008 close
  std::size_t max_pending_requests = 256;     ///< queued requests per connection before 1008
  std::chrono::milliseconds heartbeat{5000};  ///< sproto heartbeat push interval
};

/// Reads ws_host, ws_port, ws_path, max_connections, handshake_timeout_ms, ws_origins,
/// max_message_size, max_send_queue, idle_timeout_ms, max_bad_packets, max_pending_requests,
/// protocol_type, heartbeat_ms.
gate_options options_from(const runtime::config& cfg);

}  // namespace stratus::gate
