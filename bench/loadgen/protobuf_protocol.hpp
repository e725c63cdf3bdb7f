#pragma once
// protobuf mode for the load generator: game.LoginReq, then game.EchoReq with the token (or
// LoginReq again and again, for login latency).

#include "game.pb.h"
#include "loadgen/protocol.hpp"

namespace stratus::loadgen {

/// Speaks protobuf mode (wire.md): u32 little-endian length + body; the messages are built
/// once and only their session changes per request.
class protobuf_protocol final : public bench_protocol {
 public:
  /// An echo payload of `payload_size` bytes; with `login_loop`, every request is the
  /// connection's LoginReq again (to measure login round trips).
  explicit protobuf_protocol(std::size_t payload_size, bool login_loop = false);

  void login_packet(std::string_view account, std::string_view password, std::int32_t session,
                    std::string& out) override;
  void request_packet(std::int32_t session, std::string& out) override;
  reply parse_reply(std::string_view packet) override;

  /// The token from the last successful LoginResp (empty before).
  const std::string& token() const noexcept { return request_.header().token(); }

 private:
  game::EchoReq request_;  // reused for every request; header.token set at login
  game::EchoResp echo_;    // reused for every reply
  common::Error error_;    // reused for error replies
  game::LoginResp login_;  // reused for login replies
  game::LoginReq relogin_; // the login request, resent by request_packet in a login loop
  bool login_loop_ = false;
  std::string detail_;     // backing store for reply::detail
};

}  // namespace stratus::loadgen
