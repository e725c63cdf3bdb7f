#pragma once
// sproto mode for the load generator: c2s `signin`, then `echo` requests (wire.md).

#include <memory>
#include <string>
#include <variant>

#include "loadgen/protocol.hpp"
#include "sproto/host.hpp"

namespace stratus::loadgen {

/// The demo schemas of sproto mode (proto/proto.c2s.sproto, proto/proto.s2c.sproto), parsed
/// once per process and shared read-only by every connection.
struct sproto_schemas {
  sproto::schema_ptr c2s;  ///< requests the client sends
  sproto::schema_ptr s2c;  ///< pushes the server sends
};

/// The process-wide demo schemas (parsed on first use; the text is compiled in).
const sproto_schemas& demo_sproto_schemas();

/// Speaks sproto mode: u16 big-endian length + packed sproto (header, then content).
/// The login goes through sproto::host; the echo loop takes a shorter road that gives the same
/// bytes: the request content is encoded once and only the header is encoded per request (in
/// place, no value tree), a reply's header is read in place, and its content is compared with
/// the expected encoding (decoded only when it differs), so that the load generator spends its
/// time on the network, not on building values.
class sproto_protocol final : public bench_protocol {
 public:
  /// A connection's protocol with an echo payload of `payload_size` bytes; a message when the
  /// request would not fit one frame (65535 bytes).
  static std::variant<std::unique_ptr<sproto_protocol>, std::string> create(
      std::size_t payload_size);

  void login_packet(std::string_view account, std::string_view password, std::int32_t session,
                    std::string& out) override;
  void request_packet(std::int32_t session, std::string& out) override;
  reply parse_reply(std::string_view packet) override;

 private:
  explicit sproto_protocol(sproto::host h, std::size_t payload_size);

  reply parse_echo_reply(std::string_view body);

  sproto::host host_;                // decodes pushes (s2c) and replies to our requests
  sproto::value echo_args_;          // {data = payload}, reused for every request
  std::int64_t echo_tag_ = 0;        // the echo protocol's tag
  // The .package header (shared with a host: create() replaces host_ after construction).
  std::shared_ptr<const sproto::package_header> package_;
  const sproto::struct_type* response_ = nullptr;  // echo's response type
  std::string request_content_;      // encoded echo request content (the same every time)
  std::string reply_content_;        // the content an echo reply should carry
  std::string unpacked_;             // scratch: unpacked message
  std::string packed_;               // scratch: packed message
  std::int64_t login_session_ = -1;  // session of the signin request, -1 when none pending
  std::string detail_;               // backing store for reply::detail
};

}  // namespace stratus::loadgen
