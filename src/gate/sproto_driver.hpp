#pragma once
// sproto mode of the gateway (wire.md): packets are u16 big-endian length || pack(header ||
// content); handlers are registered by protocol, typed (generated code, sproto_typed.hpp) or
// dynamic (sproto::value, for schemas known only at run time); errors travel in the reply's
// `ud`.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codec/push.hpp"
#include "gate/request_metrics.hpp"
#include "gate/agent.hpp"
#include "gate/pb_handlers.hpp"
#include "gate/sproto_session.hpp"
#include "sproto/gen/writer.hpp"
#include "sproto/host.hpp"

namespace stratus::gate {

class sproto_driver;

/// A dynamic sproto handler: gets the decoded request (nil for a protocol without a request
/// type) and returns the response object (nil is fine for a protocol without a response) or an
/// error.
using sproto_handler =
    std::function<runtime::task<reply<sproto::value>>(sproto_session&, const sproto::value&)>;

/// What starting a typed handler did.
struct sproto_typed_start {
  bool decoded = false;                     ///< false: the request does not decode; nothing ran
  std::optional<runtime::task<void>> rest;  ///< the rest of a handler that waits; none when
                                            ///< it answered at once
};

/// A typed handler as the driver keeps it (made by sproto_app::add<P>, see sproto_typed.hpp).
struct sproto_typed_entry {
  /// Decodes `body` as the request and runs the handler until it answers or waits. `fn` is
  /// the handler, `session` the request's, if any.
  using start_fn = sproto_typed_start (*)(void (*fn)(), sproto_driver& d, std::string_view body,
                                          std::optional<std::int64_t> session,
                                          bool has_response);
  start_fn start = nullptr;   ///< null: no typed handler for this tag
  void (*fn)() = nullptr;     ///< the handler, its type erased (start() restores it)
  bool has_response = false;  ///< the protocol declares a response type (c2s schema)
};

/// What every sproto connection shares, read-only: the schemas (parsed once) and the handlers.
struct sproto_app {
  sproto::schema_ptr c2s;                                   ///< requests the clients send
  sproto::schema_ptr s2c;                                   ///< pushes the server sends
  std::shared_ptr<const codec::sproto_push_framer> pushes;  ///< frames s2c pushes with seq
  std::shared_ptr<session_hub> hub;  ///< the node's sessions (users online, rooms, resume)
  std::unordered_map<std::string, sproto_handler> handlers;  ///< dynamic ones, by name
  std::vector<sproto_typed_entry> typed;                     ///< typed ones, by protocol tag
  std::vector<std::uint16_t> metric_rows;  ///< request_metrics rows, by protocol tag
  int max_bad_packets = 3;                                   ///< malformed in a row -> 1008
  intake_limits intake;                       ///< per-connection budget and queue bounds
  std::chrono::milliseconds heartbeat{5000};  ///< `heartbeat` push interval
  codec::push_ptr heartbeat_push;             ///< the `heartbeat` body, made once for every session

  /// Registers the typed handler `fn` for the c2s protocol P, a generated `protocol::`
  /// descriptor (the same shape as protobuf handlers):
  ///     runtime::task<gate::reply<c2s::echo_response>> echo(gate::sproto_session&,
  ///                                                         const c2s::echo_request&);
  ///     app->add<c2s::protocol::echo>(&echo);
  /// Req and Resp are P's generated request and response, in either string flavour
  /// (sproto::gen::no_body for a part the protocol lacks). A P that does not match the c2s
  /// schema (tag, name, parts) is a bug (logic_error). Defined in sproto_typed.hpp.
  template <class P, class Req, class Resp>
  sproto_app& add(runtime::task<reply<Resp>> (*fn)(sproto_session&, const Req&));
  /// Registers the dynamic handler `fn` for the c2s protocol `name`; an unknown name is a bug
  /// (logic_error).
  sproto_app& add(const std::string& name, sproto_handler fn);

  /// True when a handler (typed or dynamic) serves the c2s protocol `name`.
  bool serves(std::string_view name) const;
  /// Number of protocols served by a handler.
  std::size_t served() const;
  /// The request_metrics row of protocol `tag` (request_metrics::other when none).
  std::uint16_t metric_row(std::int64_t tag) const noexcept {
    if (tag < 0 || static_cast<std::uint64_t>(tag) >= metric_rows.size())
      return request_metrics::other;
    return metric_rows[static_cast<std::size_t>(tag)];
  }
  /// The typed handler of protocol `tag`, or null.
  const sproto_typed_entry* typed_for(std::int64_t tag) const noexcept {
    if (tag < 0 || static_cast<std::uint64_t>(tag) >= typed.size()) return nullptr;
    const sproto_typed_entry& e = typed[static_cast<std::size_t>(tag)];
    return e.start ? &e : nullptr;
  }

 private:
  // Checks P against the c2s schema and makes room for its entry.
  void add_metric_row(std::int64_t tag, std::string_view name);
  sproto_typed_entry& typed_slot(std::int64_t tag, std::string_view name, bool has_request,
                                 bool has_response, bool confirm);
};

/// The protocol driver of sproto mode: dispatches by protocol tag, answers errors in `ud`,
/// pushes `heartbeat` every app.heartbeat while the connection is open.
class sproto_driver final : public protocol_driver {
 public:
  /// Encodes a typed response into a writer (see answer()).
  using encode_fn = bool (*)(const void* message, sproto::gen::writer& w);

  /// `app` must have c2s and s2c schemas with a `package` type.
  sproto_driver(agent& a, std::shared_ptr<const sproto_app> app);

  const intake_limits& limits() const noexcept override { return app_->intake; }
  int max_bad_packets() const noexcept override { return app_->max_bad_packets; }
  void start() override;
  std::optional<runtime::task<void>> decode(std::string_view packet, std::string& out,
                                            bool& malformed) override;
  void refuse(std::string_view packet, codec::error_code code, std::string_view why,
              std::string& out) override;
  session_hub& hub() const noexcept override { return *app_->hub; }

  /// The session the handlers of this connection see.
  sproto_session& session() noexcept { return session_; }
  /// Logs a handler's exception once (the reply becomes INTERNAL).
  void report_exception(std::string_view protocol, std::string_view what) const {
    agent_.report_exception(protocol, what);
  }
  /// Ends a typed handler's run: notes the outcome and, when the client waits (`session`),
  /// sends the reply: the header, then `message` encoded by `encode` when the protocol has a
  /// response type; or the error reply for `error`. A reply too large for a frame becomes
  /// INTERNAL.
  void answer(std::string_view protocol, std::optional<std::int64_t> session, bool has_response,
              const handler_error* error, const void* message, encode_fn encode);

 private:
  void reject(std::string_view body, bool framed_ok, std::string& out, bool& malformed);
  void frame_into(const std::string& packed, std::string& out);
  // Replaces `out` with the framed, packed plain_reply_ (false when over 65535 bytes).
  bool pack_reply(std::string& out);
  void error_reply(std::int64_t session, bool has_response, std::string_view code,
                   std::string& out);
  // Unpacks a request's body into plain_; the view is valid until the next packet.
  sproto::result<std::string_view> unpack(std::string_view body);
  // Requests without a typed handler: decoded into a sproto::value (`packed`: the packet's
  // body, `body`: the unpacked request after its header).
  std::optional<runtime::task<void>> decode_dynamic(const sproto::header_fields& header,
                                                    std::string_view packed, std::string_view body,
                                                    std::string& out, bool& malformed);
  runtime::task<void> run(sproto::incoming_request req, const sproto_handler* fn);
  runtime::task<void> resume(sproto::incoming_request req);
  runtime::task<void> heartbeat_loop();
  // The request about to run (one at a time per connection): its metrics row and start time.
  void begin_request(std::int64_t tag);
  void end_request();

  agent& agent_;
  std::shared_ptr<const sproto_app> app_;
  sproto::host host_;
  std::shared_ptr<const sproto::package_header> header_;  // c2s `.package`: read and replies
  sproto_session session_;
  std::string plain_;        // holds the unpacked request; typed requests' strings view into it
  std::string plain_reply_;  // the unpacked reply being written
  std::string out_;          // the reply of the running handler
  std::uint16_t metric_row_ = request_metrics::other;
  std::uint64_t started_ = 0;  // runtime::cycle_count() as the request began
};

/// The driver factory of sproto mode, for start_agent().
driver_factory sproto_drivers(std::shared_ptr<const sproto_app> app);

}  // namespace stratus::gate

#include "gate/sproto_typed.hpp"
