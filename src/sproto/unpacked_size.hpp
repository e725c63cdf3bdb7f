#pragma once
// What unpacking a 0-packed stream would produce, found without unpacking it: lets a server
// refuse a small packet that would expand eightfold, and read a header from a bounded prefix.

#include <cstddef>
#include <optional>
#include <string_view>

namespace stratus::sproto {

/// The size unpack() would return for `packed`; nullopt when the stream is truncated.
std::optional<std::size_t> unpacked_size(std::string_view packed) noexcept;

/// The shortest prefix of `packed` that ends on a group boundary and unpacks to at least
/// `min_unpacked` bytes (or all of `packed` when it unpacks to less).
std::string_view packed_prefix(std::string_view packed, std::size_t min_unpacked) noexcept;

}  // namespace stratus::sproto
