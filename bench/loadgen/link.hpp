#pragma once
// How a client connection of the load tools carries packets: WebSocket (upgrade, then one
// masked binary frame per packet) or plain TCP (packets back to back, each behind the mode's
// length prefix, as wire.md and the server's tcp_port expect).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen/frame_reader.hpp"
#include "loadgen/frame_writer.hpp"
#include "net/ws_options.hpp"

namespace stratus::loadgen {

/// The socket of every load-tool connection (bound to one io_context).
using client_socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

/// The length prefix of a packet format on plain TCP: protobuf u32 little-endian, sproto u16
/// big-endian (skynet's gate); the same as the server's (src/gate/gate_options.cpp).
net::tcp_framing tcp_framing_for(std::string_view protocol) noexcept;

/// A receive buffer for `transport` ("ws" or "tcp") and packet format `protocol`.
frame_reader make_reader(std::string_view transport, std::string_view protocol);

/// Appends one application packet to `out` as it travels: a masked binary frame from `ws`
/// over WebSocket, the bytes as they are over TCP (the packet already carries its prefix).
inline void append_packet(std::vector<std::uint8_t>& out, frame_writer* ws,
                          std::string_view packet) {
  if (ws != nullptr) {
    ws->append(out, ws_opcode::binary, packet);
  } else {
    const std::size_t at = out.size();
    out.resize(at + packet.size());
    if (!packet.empty()) std::memcpy(out.data() + at, packet.data(), packet.size());
  }
}

/// The WebSocket opening handshake on a connected socket: asks `host_port` to upgrade `path`;
/// frames that follow the 101 response stay in `reader`. Empty when accepted, else the problem.
boost::asio::awaitable<std::string> websocket_upgrade(client_socket& socket, frame_reader& reader,
                                                      std::string host_port, std::string path,
                                                      std::uint64_t random_a,
                                                      std::uint64_t random_b);

}  // namespace stratus::loadgen
