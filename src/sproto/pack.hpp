#pragma once
// 0-packing (spec section 4): a byte-exact re-implementation of the reference pack/unpack.

#include <cstddef>
#include <string>
#include <string_view>

#include "sproto/result.hpp"

namespace stratus::sproto {

/// Packs `in` and appends the result to `out`.
void pack_to(std::string_view in, std::string& out);

/// Packs `in`.
std::string pack(std::string_view in);

/// Unpacks `in` and appends the result (a multiple of 8 bytes) to `out`.
/// On error `out` is left as it was.
status unpack_to(std::string_view in, std::string& out);

/// Unpacks `in`.
result<std::string> unpack(std::string_view in);

/// Most bytes pack_raw() writes for `n` input bytes.
std::size_t pack_bound(std::size_t n);

/// Packs `size` bytes at `in` into `out`, which has room for pack_bound(size) bytes.
/// Returns the packed length.
std::size_t pack_raw(const char* in, std::size_t size, char* out);

/// Checks a packed stream and returns its unpacked length (a multiple of 8).
result<std::size_t> unpacked_size(std::string_view in);

/// Unpacks a stream that unpacked_size() accepted into `out` (room for that many bytes).
void unpack_raw(std::string_view in, char* out);

}  // namespace stratus::sproto
