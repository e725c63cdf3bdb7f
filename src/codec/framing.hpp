#pragma once
// protobuf-mode framing: packet = length:u32 little-endian || body (wire.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/result.hpp"

namespace google::protobuf {
class MessageLite;
}

namespace stratus::codec {

/// Size of the length prefix in front of every protobuf-mode body.
inline constexpr std::size_t prefix_size = 4;

/// The body of one packet (one WebSocket message); INVALID_MESSAGE when the prefix is
/// shorter than 4 bytes or its length differs from the number of bytes after it.
result<std::string_view> unframe(std::string_view packet);

/// Replaces `out` with the packet for `body` (prefix then body), reusing out's capacity.
void frame_into(std::string_view body, std::string& out);

/// Replaces `out` with the packet for `message` (prefix then serialized message), reusing
/// out's capacity; the message is serialized straight into `out`, with no temporary.
void frame_into(const google::protobuf::MessageLite& message, std::string& out);

}  // namespace stratus::codec
