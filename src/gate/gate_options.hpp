#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include "gate/packet_intake.hpp"
#include "net/ws_options.hpp"

namespace stratus::runtime {
class config;
}

namespace stratus::gate {

/// TCP listener options that do not listen (port 0): the default, so a gateway built in code
/// opens only the WebSocket port unless asked.
inline net::ws_options tcp_off() {
  net::ws_options o;
  o.listen.transport = net::transport::tcp;
  o.listen.port = 0;
  return o;
}

/// Everything the gateway reads from the config.
struct gate_options {
  net::ws_options ws;                         ///< listener and per-connection limits
  /// The plain TCP listener (skynet's gate for native clients): the same limits, its own
  /// address, and the configured protocol's length prefix; port 0 = off.
  net::ws_options tcp = tcp_off();
  std::string protocol_type;                  ///< "protobuf" or "sproto"
  int max_bad_packets = 3;                    ///< malformed packets in a row before a 1008 close
  intake_limits intake;                       ///< per-connection budget and queue bounds
  std::chrono::milliseconds heartbeat{5000};  ///< sproto heartbeat push interval
  std::chrono::milliseconds resume_grace{30000};  ///< resume_grace_s
  std::size_t resume_buffer = 256;                ///< resume_buffer
  std::chrono::milliseconds drain_timeout{10000};  ///< drain_timeout_ms
};

/// Largest packet each mode's framing allows: sproto 2 + 65,535 bytes; protobuf has no limit of
/// its own, and 64 KiB is the default.
inline constexpr std::size_t sproto_max_packet = 2 + 65535;
inline constexpr std::size_t protobuf_default_max_packet = 64 * 1024;

/// Reads tcp_host, tcp_port, ws_host, ws_port, ws_path, max_connections, max_connections_per_ip,
/// handshake_timeout_ms, ws_origins, max_message_size (0: what the mode's framing allows),
/// max_send_queue, idle_timeout_ms, max_bad_packets, max_pending_requests, max_pending_bytes,
/// max_requests_per_s, max_bytes_per_s, protocol_type, heartbeat_ms, resume_grace_s,
/// resume_buffer, drain_timeout_ms, www_root, ws_tls_cert, ws_tls_key, tcp_tls.
gate_options options_from(const runtime::config& cfg);

}  // namespace stratus::gate
