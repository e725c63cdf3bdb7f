#pragma once
// Messages other services send to the gateway (`.ws_proxyd`) and its agents.
#include <cstdint>
#include <string>

#include "codec/push.hpp"
#include "runtime/address.hpp"

namespace stratus::gate {

/// A framed packet to write to one connection (`.ws_proxyd` routes it to the agent).
struct send_to {
  std::uint64_t connection;
  std::string packet;
};
/// A framed packet for every open connection.
struct broadcast {
  std::string packet;
};
/// Closes a connection with a close code (1000 normal, 1008 policy).
struct kick {
  std::uint64_t connection;
  std::uint16_t code = 1000;
  std::string reason;
};
/// How many connections are open; answered by `.ws_proxyd`.
struct connection_count {
  using response = std::size_t;
};

// Users (wire.md "Sessions"): one session per user, kept for a resume after a drop.

/// Ends a user's session: a Kicked push, then the close `code` (4002: the server's own kick);
/// answers whether the user was online.
struct kick_user {
  std::int64_t userid = 0;
  std::uint16_t code = 4002;
  std::string reason = "kicked by the server";
  using response = bool;
};
/// The connection a user's session is on; 0 when the user is not online (or is waiting for a
/// resume, with no connection).
struct find_user {
  std::int64_t userid = 0;
  using response = std::uint64_t;
};
/// A push for a user (made once with codec::pb_push or the sproto push framer's make(): one
/// body may go to many users); carries the session's next seq. Answers whether the user has
/// a session (a session waiting for a resume keeps the push for it).
struct push_to_user {
  std::int64_t userid = 0;
  codec::push_ptr push;
  using response = bool;
};
/// How many sessions are alive (connected or waiting for a resume).
struct online_count {
  using response = std::size_t;
};
/// Asks `.ws_proxyd` to send `session_ended` to `watcher` whenever a session ends (the place
/// for game code's cleanup: a close frame, an expired resume window, a kick, a shutdown).
struct watch_sessions {
  runtime::address watcher;
};
/// A session ended (see watch_sessions); `why` is "closed", "replaced", "kicked", "expired",
/// "shutdown" or "failed".
struct session_ended {
  std::int64_t userid = 0;
  std::string name;
  std::string why;
};
/// To every agent: the node is going away (wire.md "Drain").
struct drain {};

// Between agents and `.ws_proxyd`.
struct agent_opened {
  std::uint64_t connection;
  runtime::address agent;
};
struct agent_closed {
  std::uint64_t connection;
};
/// A packet an agent writes to its connection as is.
struct write_packet {
  std::string packet;
};

}  // namespace stratus::gate
