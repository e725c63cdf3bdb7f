#pragma once
// The protobuf-mode handler model: typed coroutine handlers registered by message type.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "codec/encode.hpp"
#include "codec/error_code.hpp"
#include "codec/message_registry.hpp"
#include "gate/packet_intake.hpp"
#include "common/expected.hpp"
#include "gate/request_metrics.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// A request that cannot be served: a wire.md error code and a message for the client.
struct handler_error {
  codec::error_code code;
  std::string message;
};

/// What a handler returns: the response, or an error.
template <class Resp>
using reply = stratus::expected<Resp, handler_error>;

class pb_session;
class session_hub;

/// Who may send a request type.
enum class access { anyone, logged_in };

/// The handlers of protobuf mode, filled once from one explicit list (see app/pb_game.cpp).
class pb_handlers {
 public:
  /// One registered handler: runs it and encodes its reply (or error) into `out`; yields the
  /// error's code when it answered one.
  struct entry {
    access who;
    std::function<runtime::task<std::optional<codec::error_code>>(
        pb_session&, const google::protobuf::Message&, std::int32_t session, std::string& out)>
        run;
    /// Its row in request_metrics (given at registration).
    std::uint16_t metric = request_metrics::other;
  };

  /// Registers `fn` for request type Req:
  ///     runtime::task<gate::reply<game::EchoResp>> echo(gate::pb_session&, const game::EchoReq&);
  ///     handlers.add(&echo);
  template <class Req, class Resp>
  pb_handlers& add(runtime::task<reply<Resp>> (*fn)(pb_session&, const Req&),
                   access who = access::logged_in) {
    registry_.add<Req>(
        entry{who,
              [fn](pb_session& s, const google::protobuf::Message& m, std::int32_t session,
                   std::string& out) -> runtime::task<std::optional<codec::error_code>> {
                auto pending = fn(s, static_cast<const Req&>(m));
                reply<Resp> r = co_await std::move(pending);
                if (r.ok()) {
                  codec::encode(r.value(), session, out);
                  co_return std::nullopt;
                }
                codec::encode_error(r.error().code, r.error().message, session, out);
                co_return r.error().code;
              },
              metric_row<Req>()});
    return *this;
  }

  /// Registers a handler that writes its own reply (the gate's built-in ResumeReq).
  template <class Req>
  pb_handlers& add_entry(entry e) {
    e.metric = metric_row<Req>();
    registry_.add<Req>(std::move(e));
    return *this;
  }

  const codec::message_registry<entry>& registry() const noexcept { return registry_; }

 private:
  template <class Req>
  static std::uint16_t metric_row() {
    return request_metrics::instance().add_message(wire_protocol::protobuf,
                                                   Req::descriptor()->full_name());
  }

  codec::message_registry<entry> registry_;
};

/// Checks a token presented by a client that did not log in on this connection (a
/// reconnect); returns the user id, or the error to answer (UNAUTHORIZED when the token is
/// unknown or expired, BACKEND_UNAVAILABLE when it cannot be checked now).
using token_checker = std::function<runtime::task<reply<std::int64_t>>(
    runtime::service& self, const std::string& token)>;

/// What every protobuf agent shares, read-only.
struct pb_app {
  /// An app whose handlers start with the gate's own: common.ResumeReq (wire.md "Sessions").
  pb_app();

  pb_handlers handlers;
  std::shared_ptr<session_hub> hub;  ///< the node's sessions (users online, rooms, resume)
  token_checker check_token;  ///< may be empty: then only this connection's login counts
  int max_bad_packets = 3;            ///< malformed in a row -> 1008
  intake_limits intake;               ///< per-connection budget and queue bounds
};

}  // namespace stratus::gate
