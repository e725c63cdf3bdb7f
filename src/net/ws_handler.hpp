#pragma once
// What the layer above (the gate) implements to receive a connection's events.

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <span>
#include <string>

namespace stratus::net {

class ws_connection;

/// Why a connection ended.
struct close_info {
  /// Close code sent or received (1000 normal, 1001 idle, 1003 text, 1008 policy/send
  /// queue, 1009 too big); 1006 when the connection ended without a close frame.
  std::uint16_t code = 1006;
  /// Reason text from the close frame, if any.
  std::string reason;
  /// True when the peer sent the first close frame or dropped the connection.
  bool by_peer = true;
  /// The transport error that ended the read loop, if any (for logs).
  boost::system::error_code error;
};

/// Receives the events of one connection. Callbacks run on the connection's own
/// io_context thread, in order, never concurrently; on_close is the last one.
struct ws_handler {
  virtual ~ws_handler() = default;
  /// One complete binary message; the bytes are valid only during the call.
  virtual void on_message(ws_connection& conn, std::span<const std::uint8_t> payload) = 0;
  /// The connection is over; no more calls follow, and sends are ignored.
  virtual void on_close(ws_connection& conn, const close_info& info) = 0;
};

}  // namespace stratus::net
