#pragma once
// The client side of the WebSocket opening handshake (RFC 6455 4.1), done by hand so that
// any frame the server sends right after its 101 response stays in our own receive buffer.

#include <cstdint>
#include <string>
#include <string_view>

namespace stratus::loadgen {

/// A fresh Sec-WebSocket-Key: 16 bytes from `random_a` and `random_b`, base64-encoded.
std::string make_upgrade_key(std::uint64_t random_a, std::uint64_t random_b);

/// The GET request that asks `host` (host:port) to upgrade `path` with `key`.
std::string make_upgrade_request(std::string_view host, std::string_view path,
                                 std::string_view key);

/// Length of the response head (through the blank line) in `received`; 0 while incomplete.
std::size_t upgrade_head_size(std::string_view received) noexcept;

/// Checks a complete response head against `key`: status 101 and the right
/// Sec-WebSocket-Accept. Empty when accepted, else what is wrong.
std::string check_upgrade_response(std::string_view head, std::string_view key);

}  // namespace stratus::loadgen
