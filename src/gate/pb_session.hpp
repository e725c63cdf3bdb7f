#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "codec/encode.hpp"
#include "codec/push.hpp"
#include "gate/agent.hpp"
#include "net/connection.hpp"
#include "runtime/clocks.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// What a protobuf handler sees of its client's session: the user, pushes (to itself, to any
/// user), the rooms, and the agent service to `co_await self().call(...)` from.
class pb_session {
 public:
  explicit pb_session(agent& a) : agent_(a), conn_(a.connection()) {}

  /// The agent service of this connection (for call/send/sleep).
  runtime::service& self() noexcept { return agent_; }
  /// The logged-in user's id, or 0.
  std::int64_t userid() const noexcept { return userid_; }
  /// The token issued at login on this connection, or empty.
  const std::string& token() const noexcept { return token_; }
  /// Makes this connection the user's session, the user's only one (a connection it had
  /// before gets Kicked and is closed with 4001). The token counts on this connection for
  /// `valid_for` (its `expires_in`); after that the agent asks the token check again, so an
  /// expired token gets UNAUTHORIZED even on the connection that logged in.
  void set_user(std::int64_t userid, std::string token, std::chrono::seconds valid_for) {
    if (userid != userid_ || !agent_.session() || agent_.session()->ended())
      agent_.set_session(agent_.hub().login(userid, std::to_string(userid), token,
                                            agent_.connection_ptr()));
    userid_ = userid;
    token_ = std::move(token);
    valid_until_ = runtime::coarse_now() + valid_for;
  }
  /// Takes over a resumed session (its user and token).
  void resumed(session_ptr s, std::chrono::seconds valid_for) {
    userid_ = s->userid();
    token_ = s->token();
    valid_until_ = runtime::coarse_now() + valid_for;
    agent_.set_session(std::move(s));
  }
  /// True when `token` is this connection's token and still within its validity.
  bool holds(const std::string& token) const noexcept {
    return !token.empty() && token == token_ && runtime::coarse_now() < valid_until_;
  }
  /// Sends a push to this client; false if the connection is gone. A push to a logged-in
  /// session carries its next seq and is kept for a resume.
  template <class M>
  bool push(const M& message) {
    if (const session_ptr& s = agent_.session(); s && userid_ != 0) return s->push(codec::pb_push(message));
    M copy = message;
    codec::encode(copy, 0, scratch_);
    return agent_.send_packet(scratch_);
  }
  /// Sends a push to user `userid` wherever its session is: on this node (waiting for a resume
  /// included) or, in a cluster, on another; false when the user is not online anywhere.
  template <class M>
  runtime::task<bool> push_to(std::int64_t userid, const M& message) {
    return agent_.hub().deliver(agent_, userid, {}, codec::pb_push(message));
  }
  /// The node's rooms: join, leave, contains (see gate/groups.hpp). Members on other nodes of a
  /// cluster are reached with room_broadcast() and counted by room_size().
  gate::groups& rooms() noexcept { return agent_.hub().rooms(); }
  /// Sends `message` to every member of `room` on every node (encoded once); how many took it.
  template <class M>
  runtime::task<std::size_t> room_broadcast(const std::string& room, const M& message) {
    return agent_.hub().room_broadcast(agent_, room, codec::pb_push(message));
  }
  /// The members of `room` on every node.
  runtime::task<std::size_t> room_size(const std::string& room) {
    return agent_.hub().room_size(agent_, room);
  }
  /// This client's session (null before login).
  const session_ptr& session() const noexcept { return agent_.session(); }
  /// The node's sessions.
  session_hub& hub() noexcept { return agent_.hub(); }
  /// The agent (the gate's own handlers).
  gate::agent& owner() noexcept { return agent_; }
  /// This connection's id.
  std::uint64_t connection_id() const noexcept { return conn_.id(); }
  /// The client's IP address as text (login throttling, logs).
  std::string peer_address() const { return conn_.remote_endpoint().address().to_string(); }

 private:
  agent& agent_;
  net::connection& conn_;
  std::int64_t userid_ = 0;
  std::string token_;
  std::chrono::steady_clock::time_point valid_until_{};
  std::string scratch_;
};

}  // namespace stratus::gate
