#pragma once
// The seam between the load generator and a packet format (protobuf now, sproto later).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "loadgen/options.hpp"

namespace stratus::loadgen {

/// What one received packet turned out to be.
struct reply {
  enum class kind : std::uint8_t {
    ok,     ///< the expected reply for `session`
    error,  ///< an error reply for `session` (session 0 when it was unreadable)
    push,   ///< a server push; not an answer to any request
    bad,    ///< could not be decoded at all
  };
  kind what = kind::bad;
  std::int32_t session = 0;  ///< the request this answers
  std::string_view detail;   ///< error code or decode problem; valid until the next call
};

/// One connection's view of a packet format. Created per connection, so it may keep state
/// (e.g. the login token). Every call writes into or reads from caller-owned buffers.
class bench_protocol {
 public:
  virtual ~bench_protocol() = default;

  /// Replaces `out` with the login request (session `session`); empty when the format
  /// needs no login before requests.
  virtual void login_packet(std::string_view account, std::string_view password,
                            std::int32_t session, std::string& out) = 0;

  /// Replaces `out` with one echo request carrying `session` (the payload is fixed per run).
  virtual void request_packet(std::int32_t session, std::string& out) = 0;

  /// Decodes one received packet. A successful login reply is consumed here (it stores the
  /// token); an echo reply whose data differs from the payload is an error.
  virtual reply parse_reply(std::string_view packet) = 0;
};

/// Makes the protocol named by o.protocol for one connection; a message when unavailable.
std::variant<std::unique_ptr<bench_protocol>, std::string> make_protocol(const options& o);

}  // namespace stratus::loadgen
