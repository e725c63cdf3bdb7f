#pragma once
// sproto mode of the gateway (wire.md): packets are u16 big-endian length || pack(header ||
// content); handlers are registered by protocol name and errors travel in the reply's `ud`.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "gate/agent.hpp"
#include "codec/push.hpp"
#include "gate/pb_handlers.hpp"
#include "sproto/host.hpp"

namespace stratus::gate {

struct sproto_app;

/// What a sproto handler sees of its client's session: the user, pushes (to itself, to any
/// user), the rooms, and the agent service to `co_await self().call(...)` from.
class sproto_session {
 public:
  /// A session writing pushes to `a`'s connection, encoded by `host` with the s2c schema.
  sproto_session(agent& a, sproto::host& host, const sproto_app& app)
      : agent_(a), host_(host), app_(app) {}

  /// The agent service of this connection (for call/send/sleep).
  runtime::service& self() noexcept { return agent_; }
  /// The signed-in user, or empty.
  const std::string& user() const noexcept { return user_; }
  /// The signed-in user's account id, or 0.
  std::int64_t userid() const noexcept { return userid_; }
  /// Makes this connection the session of `user` (account id `userid`, resume token `token`),
  /// the user's only one (a connection it had before gets `kicked` and is closed with 4001).
  void set_user(std::string user, std::int64_t userid, std::string token);
  /// Takes over a resumed session.
  void resumed(session_ptr s);
  /// Sends the s2c request `name` without a session (a push); false when it cannot be encoded
  /// or framed, or the connection is gone. A push to a signed-in session carries its next
  /// `seq` and is kept for a resume.
  bool push(std::string_view name, const sproto::value& args = {});
  /// Sends a push made once with make_push() (to many sessions, or again and again).
  bool push(const codec::push_ptr& body);
  /// The same push to the user signed in as `user`, wherever its session is: on this node or,
  /// in a cluster, on another; false when the user is not online anywhere.
  runtime::task<bool> push_to(const std::string& user, std::string_view name,
                              const sproto::value& args = {});
  /// The push body of s2c `name` (encoded once: give it to many with room_broadcast()).
  codec::push_ptr make_push(std::string_view name, const sproto::value& args = {}) const;
  /// The node's rooms: join, leave, contains (see gate/groups.hpp). Members on other nodes of a
  /// cluster are reached with room_broadcast() and counted by room_size().
  gate::groups& rooms() noexcept { return agent_.hub().rooms(); }
  /// Sends `body` to every member of `room` on every node; how many took it.
  runtime::task<std::size_t> room_broadcast(const std::string& room, codec::push_ptr body);
  /// The members of `room` on every node.
  runtime::task<std::size_t> room_size(const std::string& room);
  /// This client's session (null before sign-in).
  const session_ptr& session() const noexcept { return agent_.session(); }
  /// The node's sessions.
  session_hub& hub() noexcept { return agent_.hub(); }
  /// The agent (the gate's own handlers).
  gate::agent& owner() noexcept { return agent_; }
  /// This connection's id.
  std::uint64_t connection_id() const noexcept { return agent_.connection().id(); }
  /// The client's IP address as text (login throttling, logs).
  std::string peer_address() const {
    return agent_.connection().remote_endpoint().address().to_string();
  }

 private:
  agent& agent_;
  sproto::host& host_;
  const sproto_app& app_;
  std::string user_;
  std::int64_t userid_ = 0;
  std::string scratch_;
};

/// A sproto handler: gets the decoded request (nil for a protocol without a request type) and
/// returns the response object (nil is fine for a protocol without a response) or an error.
using sproto_handler =
    std::function<runtime::task<reply<sproto::value>>(sproto_session&, const sproto::value&)>;

/// What every sproto connection shares, read-only: the schemas (parsed once) and the handlers.
struct sproto_app {
  sproto::schema_ptr c2s;                                    ///< requests the clients send
  sproto::schema_ptr s2c;                                    ///< pushes the server sends
  std::shared_ptr<const codec::sproto_push_framer> pushes;   ///< frames s2c pushes with seq
  std::shared_ptr<session_hub> hub;  ///< the node's sessions (users online, rooms, resume)
  std::unordered_map<std::string, sproto_handler> handlers;  ///< by protocol name
  int max_bad_packets = 3;                                   ///< malformed in a row -> 1008
  intake_limits intake;                       ///< per-connection budget and queue bounds
  std::chrono::milliseconds heartbeat{5000};  ///< `heartbeat` push interval
  codec::push_ptr heartbeat_push;  ///< the `heartbeat` body, made once for every session

  /// Registers `fn` for the c2s protocol `name`; an unknown name is a bug (logic_error).
  sproto_app& add(const std::string& name, sproto_handler fn);
};

/// The protocol driver of sproto mode: dispatches by protocol name, answers errors in `ud`,
/// pushes `heartbeat` every app.heartbeat while the connection is open.
class sproto_driver final : public protocol_driver {
 public:
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

 private:
  void reject(std::string_view body, bool framed_ok, std::string& out, bool& malformed);
  void frame_into(const std::string& packed, std::string& out);
  runtime::task<void> run(sproto::incoming_request req, const sproto_handler* fn);
  runtime::task<void> resume(sproto::incoming_request req);
  runtime::task<void> heartbeat_loop();

  agent& agent_;
  std::shared_ptr<const sproto_app> app_;
  sproto::host host_;
  sproto_session session_;
  std::string out_;  // the reply of the running handler
};

/// The driver factory of sproto mode, for start_agent().
driver_factory sproto_drivers(std::shared_ptr<const sproto_app> app);

}  // namespace stratus::gate
