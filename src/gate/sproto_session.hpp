#pragma once
// What a sproto handler sees of its client's session (sproto mode of the gateway, wire.md).
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/push.hpp"
#include "gate/agent.hpp"
#include "sproto/gen/message.hpp"
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

  /// Typed pushes: the s2c protocol P (a generated `protocol::` descriptor) with its generated
  /// request `args` (any string flavour), e.g. `s.push<s2c::protocol::push>(text)`.
  template <class P, class Args>
  codec::push_ptr make_push(const Args& args) const {
    if (!push_matches(P::tag, P::name)) return nullptr;
    auto body = std::make_shared<codec::push_body>();
    body->type = P::name;
    body->tag = P::tag;
    if (auto st = sproto::gen::encode(args, body->bytes); !st) {
      push_not_encoded(P::name, st.error().message);
      return nullptr;
    }
    return body;
  }
  /// Sends the typed push P to this client (as push(name, args) does).
  template <class P, class Args>
  bool push(const Args& args) {
    return push(make_push<P>(args));
  }
  /// The typed push P to the user signed in as `user`, on any node; false when not online.
  template <class P, class Args>
  runtime::task<bool> push_to(const std::string& user, const Args& args) {
    return agent_.hub().deliver(agent_, 0, user, make_push<P>(args));
  }

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
  // True when the s2c schema has protocol `tag` under `name` (else logged: a generated
  // descriptor from another schema).
  bool push_matches(std::int64_t tag, std::string_view name) const;
  static void push_not_encoded(std::string_view name, const std::string& why);

  agent& agent_;
  sproto::host& host_;
  const sproto_app& app_;
  std::string user_;
  std::int64_t userid_ = 0;
  std::string scratch_;
};

}  // namespace stratus::gate
