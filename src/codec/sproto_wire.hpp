#pragma once
// sproto mode's packets (wire.md): u16 big-endian length || 0-pack(package header || content).
// The parts a server needs besides the RPC host: framing, a bounded look at the header of a
// packet it will not dispatch, and error replies built from that header alone.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sproto/schema.hpp"

namespace stratus::codec {

/// Largest body a u16 length prefix can frame.
inline constexpr std::size_t max_sproto_body = 65535;
/// The most a packet may unpack to; 64 KiB of zeros would unpack to 512 KiB.
inline constexpr std::size_t max_sproto_unpacked = 256 * 1024;

/// Replaces `out` with `body` behind its u16 big-endian length; false (out untouched) when the
/// body is longer than max_sproto_body: nothing is ever truncated.
bool frame_sproto(std::string_view body, std::string& out);

/// The body of a packet whose prefix matches its length; nullopt otherwise.
std::optional<std::string_view> unframe_sproto(std::string_view packet);

/// What can be read of a packet's header: the session (to reply) and the protocol tag.
struct sproto_header_seen {
  std::optional<std::int64_t> session;
  std::optional<std::int64_t> tag;
};

/// Reads the `package` header of a packed body from a bounded prefix of it (a header is a few
/// dozen bytes), without unpacking the rest.
sproto_header_seen peek_sproto_header(const sproto::schema& c2s, std::string_view body);

/// A packed error reply built from a header alone: `session`, `ud` = code, plus an empty struct
/// (`00 00`) unless the protocol is known to have no response type (a protocol this server
/// does not know may have one on the client's side, which then decodes it).
std::string sproto_error_reply(const sproto::schema& c2s, std::int64_t session,
                               const sproto::protocol* proto, std::string_view code);

}  // namespace stratus::codec
