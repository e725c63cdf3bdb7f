#pragma once
// The packets a server sends, parsed in place from a receive buffer: WebSocket frames
// (RFC 6455 5.2), or on plain TCP packets cut by their own length prefix.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/frame_writer.hpp"
#include "net/ws_options.hpp"

namespace stratus::loadgen {

/// Owns a connection's receive buffer and turns the bytes read into messages and control
/// frames. An unfragmented message is returned as a view into the buffer (no copy); only
/// fragmented messages are gathered into a second buffer. On plain TCP every packet is a
/// message, returned whole with its prefix (as a WebSocket message carries it).
class frame_reader {
 public:
  /// What next() found.
  enum class event : std::uint8_t {
    none,     ///< no complete frame yet: read more
    message,  ///< a whole binary message
    text,     ///< a whole text message (stratus never sends one)
    ping,     ///< a ping: answer with a pong carrying the payload
    pong,     ///< a pong
    close,    ///< a close frame: payload is the status code and reason
    error,    ///< a protocol violation (see problem()); stop reading
  };

  /// A WebSocket reader refusing messages over `max_message` bytes.
  explicit frame_reader(std::size_t max_message = 16u << 20);
  /// A plain TCP reader: packets delimited by `prefix` (wire.md; the server's tcp_port).
  explicit frame_reader(net::tcp_framing prefix, std::size_t max_message = 16u << 20);

  /// Room for the next read: at least `min` bytes (moves unread bytes to the front).
  std::span<std::uint8_t> space(std::size_t min = 4096);
  /// Records that `n` bytes were read into the last space().
  void commit(std::size_t n) noexcept { end_ += n; }
  /// The next event in the bytes received; `payload` stays valid until next() or space().
  event next(std::string_view& payload);
  /// Bytes received and not yet parsed (e.g. after the HTTP upgrade response).
  std::string_view unparsed() const noexcept;
  /// Marks `n` unparsed bytes as consumed (the HTTP response head).
  void skip(std::size_t n) noexcept { begin_ += n; }
  /// Why next() returned event::error.
  const std::string& problem() const noexcept { return problem_; }

 private:
  event fail(std::string what);
  event next_packet(std::string_view& payload);  // plain TCP

  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0;  // first unparsed byte
  std::size_t end_ = 0;    // one past the last byte received
  std::size_t needed_ = 0; // size of the incomplete frame at begin_, once its header is in
  std::size_t max_message_;
  net::tcp_framing prefix_{0, false};  // prefix_bytes 0: WebSocket frames
  std::string fragments_;  // a fragmented message gathered so far
  ws_opcode fragment_opcode_ = ws_opcode::binary;
  bool in_fragments_ = false;
  std::string problem_;
};

}  // namespace stratus::loadgen
