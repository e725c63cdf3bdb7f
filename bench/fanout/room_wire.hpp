#pragma once
// The protobuf-mode packets of the room fan-out benchmark (wire.md "Direct messages and
// rooms"): requests built with the generated classes, and a cheap look at received packets
// (a few hundred nanoseconds matter when 10,000 members each get every say).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stratus::fanout {

/// Replaces `out` with a game.LoginReq packet (session `session`).
void login_packet(std::string_view account, std::string_view password, std::int32_t session,
                  std::string& out);
/// Replaces `out` with a game.JoinReq packet carrying `token`.
void join_packet(std::string_view room, std::string_view token, std::int32_t session,
                 std::string& out);
/// Replaces `out` with a game.RoomSayReq packet carrying `token`.
void say_packet(std::string_view room, std::string_view text, std::string_view token,
                std::int32_t session, std::string& out);

/// The say number written at the front of a say's text, padded with 'x' to `bytes` (at least
/// say_digits).
std::string say_text(std::uint32_t say, std::size_t bytes);
/// The say number at the front of `text`; nullopt when it has none.
std::optional<std::uint32_t> say_number(std::string_view text) noexcept;
/// Digits of the say number at the front of a text.
inline constexpr std::size_t say_digits = 10;

/// What a received packet is, read from the wire without building a message: the header's
/// msg_type, session_id and seq, and field 4 of the message when it is length-delimited (a
/// RoomNotice's text). Views into the packet.
struct packet_view {
  std::string_view msg_type;
  std::int32_t session = 0;
  std::uint32_t seq = 0;
  std::string_view field4;
  std::string_view body;  ///< the message after the length prefix
};

/// Reads a whole protobuf-mode packet (u32 little-endian length, then the body); nullopt when
/// the prefix does not match or the body is not well-formed protobuf.
std::optional<packet_view> peek_packet(std::string_view packet) noexcept;

}  // namespace stratus::fanout
