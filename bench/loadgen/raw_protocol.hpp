#pragma once
// The baseline for ratios: no codec at all. A request is a 4-byte little-endian session and
// the payload; the reply must be the same bytes (bench/net_echo, a bare WebSocket echo server
// on stratus::net, sends them back). bench/run.sh --baseline runs the matrix against it with
// the same client, so stratus is compared with the bare transport in one run.

#include "loadgen/protocol.hpp"

namespace stratus::loadgen {

/// Speaks the raw echo protocol; no login.
class raw_protocol final : public bench_protocol {
 public:
  /// An echo payload of `payload_size` bytes after the session.
  explicit raw_protocol(std::size_t payload_size);

  void login_packet(std::string_view account, std::string_view password, std::int32_t session,
                    std::string& out) override;
  void request_packet(std::int32_t session, std::string& out) override;
  reply parse_reply(std::string_view packet) override;

 private:
  std::string request_;  // session placeholder + payload, reused
};

}  // namespace stratus::loadgen
