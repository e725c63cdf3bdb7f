#pragma once
// Messages other services send to the gateway (`.ws_proxyd`) and its agents.
#include <cstdint>
#include <string>

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

// Users (wire.md "Sessions"): one connection per user.

/// Sent by an agent whose connection logged in as `userid`: the user's previous connection,
/// if any, gets a Kicked push and is closed with 4001 ("logged in elsewhere").
struct bind_user {
  std::int64_t userid = 0;
  std::uint64_t connection = 0;
  runtime::address agent;
};
/// Closes a user's connection after a Kicked push, with 4002 (the server's own kick) unless
/// another code is given; answers whether the user was online.
struct kick_user {
  std::int64_t userid = 0;
  std::uint16_t code = 4002;
  std::string reason = "kicked by the server";
  using response = bool;
};
/// The connection a user is logged in on; 0 when the user is not online.
struct find_user {
  std::int64_t userid = 0;
  using response = std::uint64_t;
};
/// A framed packet for a user's connection; answers whether the user was online.
struct send_to_user {
  std::int64_t userid = 0;
  std::string packet;
  using response = bool;
};
/// To an agent: push Kicked(reason), then close the connection with `code`.
struct kicked {
  std::uint16_t code = 4002;
  std::string reason;
};

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
