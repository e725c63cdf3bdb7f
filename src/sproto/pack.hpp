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

/// Room pack_raw() needs for `n` input bytes: the packed worst case plus 8 bytes it may scribble.
constexpr std::size_t pack_bound(std::size_t n) {
  return (n + 7) / 8 * 10 + 8;
}

/// Packs `n` bytes at `in` into `out`, which has room for pack_bound(n) bytes; returns the packed
/// size. For callers that own both buffers (no string bookkeeping); faster when `n` % 8 == 0.
std::size_t pack_raw(const char* in, std::size_t n, char* out);

/// Room unpack_raw() needs for `n` packed bytes.
constexpr std::size_t unpack_bound(std::size_t n) {
  return 8 * n;
}

/// Unpacks `in` into `out`, which has room for unpack_bound(in.size()) bytes; returns the
/// unpacked size (a multiple of 8).
result<std::size_t> unpack_raw(std::string_view in, char* out);

/// Unpacks `in` into `buffer`, which a host keeps from packet to packet: up to 64 KiB of
/// unpacked room it is used as memory, kept at its largest size (no zero-filling, no
/// appending); beyond that it is filled as by unpack_to(). The unpacked bytes, in `buffer`.
inline result<std::string_view> unpack_into_kept(std::string_view in, std::string& buffer) {
  constexpr std::size_t raw_limit = 64 * 1024;
  const std::size_t room = unpack_bound(in.size());
  if (room <= raw_limit) {
    if (buffer.size() < room) buffer.resize(room);
    auto n = unpack_raw(in, buffer.data());
    if (!n) return n.error();
    return std::string_view(buffer.data(), *n);
  }
  buffer.clear();
  if (auto st = unpack_to(in, buffer); !st) return st.error();
  return std::string_view(buffer);
}

}  // namespace stratus::sproto
