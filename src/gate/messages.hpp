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
