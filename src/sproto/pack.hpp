#pragma once
// 0-packing (spec section 4): a byte-exact re-implementation of the reference pack/unpack.

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

}  // namespace stratus::sproto
