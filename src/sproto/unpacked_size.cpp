#include "sproto/unpacked_size.hpp"

#include <array>
#include <bit>

namespace stratus::sproto {

namespace {
// The bits set in each byte. std::popcount compiles to a libgcc call without -mpopcnt, which
// the release build does not assume.
constexpr std::array<unsigned char, 256> bits_set = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned i = 0; i < 256; ++i) t[i] = static_cast<unsigned char>(std::popcount(i));
  return t;
}();

// Walks the groups of `packed` (spec 4.2) until `out` reaches `stop`; returns the bytes of
// `packed` consumed, or nullopt when a group is cut short.
std::optional<std::size_t> walk(std::string_view packed, std::size_t stop, std::size_t& out) {
  std::size_t i = 0;
  out = 0;
  while (i < packed.size() && out < stop) {
    const auto tag = static_cast<unsigned char>(packed[i]);
    if (tag == 0xff) {
      if (i + 1 >= packed.size()) return std::nullopt;
      const std::size_t words = static_cast<unsigned char>(packed[i + 1]) + 1u;
      if (packed.size() - i - 2 < words * 8) return std::nullopt;
      i += 2 + words * 8;
      out += words * 8;
    } else {
      const std::size_t n = bits_set[tag];
      if (packed.size() - i - 1 < n) return std::nullopt;
      i += 1 + n;
      out += 8;
    }
  }
  return i;
}
}  // namespace

std::optional<std::size_t> unpacked_size(std::string_view packed) noexcept {
  std::size_t out = 0;
  if (!walk(packed, static_cast<std::size_t>(-1), out)) return std::nullopt;
  return out;
}

std::string_view packed_prefix(std::string_view packed, std::size_t min_unpacked) noexcept {
  std::size_t out = 0;
  auto used = walk(packed, min_unpacked, out);
  return used ? packed.substr(0, *used) : packed;
}

}  // namespace stratus::sproto
