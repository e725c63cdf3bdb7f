// 0-packing a word (8 bytes) at a time: a word's zero/non-zero byte mask is computed with a
// few integer operations, and the output is sized once, then written through a raw pointer.

#include "sproto/pack.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace stratus::sproto {
namespace {

using byte = unsigned char;

std::uint64_t load_word(const byte* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Loads the word at `p` with `n` < 8 valid bytes, zero-padded.
std::uint64_t load_partial(const byte* p, std::size_t n) {
  byte b[8] = {};
  std::memcpy(b, p, n);
  return load_word(b);
}

// Bit i set iff byte i (in memory order) of `w` is non-zero.
unsigned nonzero_mask(std::uint64_t w) {
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  std::uint64_t y = w | (w >> 4);
  y |= y >> 2;
  y |= y >> 1;
  y &= 0x0101010101010101ull;
  // Gathers bit 0 of every byte into the top byte; the shifted terms never collide.
  return static_cast<unsigned>((y * 0x0102040810204080ull) >> 56);
}

// Writes the tag byte and the non-zero bytes of one word; `out` needs 9 writable bytes.
byte* pack_word(std::uint64_t w, unsigned mask, byte* out) {
  *out++ = static_cast<byte>(mask);
  byte b[8];
  std::memcpy(b, &w, 8);
  for (int k = 0; k < 8; ++k) {
    *out = b[k];
    out += b[k] != 0;  // branch-free: write every byte, keep the non-zero ones
  }
  return out;
}

}  // namespace

std::size_t pack_bound(std::size_t n) {
  const std::size_t words = (n + 7) / 8;
  return words * 9 + 2 * (words / 256 + 1) + 8;
}

std::size_t pack_raw(const char* input, std::size_t size, char* output) {
  const auto* in = reinterpret_cast<const byte*>(input);
  auto* out = reinterpret_cast<byte*>(output);
  const std::size_t words = (size + 7) / 8;
  const std::size_t full = size / 8;
  auto word_at = [&](std::size_t i) {
    return i < full ? load_word(in + i * 8) : load_partial(in + i * 8, size - i * 8);
  };
  std::size_t i = 0;
  while (i < words) {
    std::uint64_t w = word_at(i);
    unsigned mask = nonzero_mask(w);
    if (mask != 0xff) {
      out = pack_word(w, mask, out);
      ++i;
      continue;
    }
    // Raw run: this word plus following words with >= 6 non-zero bytes, 256 words at most.
    std::size_t j = i + 1;
    while (j < words && j - i < 256 && std::popcount(nonzero_mask(word_at(j))) >= 6) ++j;
    *out++ = 0xff;
    *out++ = static_cast<byte>(j - i - 1);
    const std::size_t start = i * 8;
    const std::size_t end = j * 8 < size ? j * 8 : size;
    std::memcpy(out, in + start, end - start);
    std::memset(out + (end - start), 0, j * 8 - end);  // padding of a partial last word
    out += j * 8 - start;
    i = j;
  }
  return static_cast<std::size_t>(out - reinterpret_cast<byte*>(output));
}

void pack_to(std::string_view in, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + pack_bound(in.size()));
  out.resize(start + pack_raw(in.data(), in.size(), out.data() + start));
}

std::string pack(std::string_view in) {
  std::string out;
  pack_to(in, out);
  return out;
}

result<std::size_t> unpacked_size(std::string_view in) {
  const auto* p = reinterpret_cast<const byte*>(in.data());
  const std::size_t n = in.size();
  std::size_t total = 0;
  std::size_t i = 0;
  while (i < n) {
    byte tag = p[i++];
    if (tag == 0xff) {
      if (i >= n) return make_error(error_kind::unpack, "Invalid unpack stream: truncated 0xff run");
      std::size_t len = (static_cast<std::size_t>(p[i]) + 1) * 8;
      if (n - i - 1 < len)
        return make_error(error_kind::unpack, "Invalid unpack stream: truncated 0xff run");
      i += 1 + len;
      total += len;
      continue;
    }
    std::size_t k = static_cast<std::size_t>(std::popcount(static_cast<unsigned>(tag)));
    if (n - i < k) return make_error(error_kind::unpack, "Invalid unpack stream: truncated word");
    i += k;
    total += 8;
  }
  return total;
}

void unpack_raw(std::string_view in, char* output) {
  const auto* p = reinterpret_cast<const byte*>(in.data());
  const std::size_t n = in.size();
  auto* out = reinterpret_cast<byte*>(output);
  std::size_t i = 0;
  while (i < n) {
    const unsigned tag = p[i++];
    if (tag == 0xff) {
      std::size_t len = (static_cast<std::size_t>(p[i]) + 1) * 8;
      std::memcpy(out, p + i + 1, len);
      i += 1 + len;
      out += len;
    } else if (tag == 0) {
      std::memset(out, 0, 8);
      out += 8;
    } else if (n - i >= 8) {
      // Branch-free: read a byte for every position, advance only past the used ones.
      for (int k = 0; k < 8; ++k) {
        const unsigned bit = (tag >> k) & 1u;
        out[k] = static_cast<byte>(p[i] & (0u - bit));
        i += bit;
      }
      out += 8;
    } else {
      for (int k = 0; k < 8; ++k) out[k] = (tag >> k) & 1u ? p[i++] : 0;
      out += 8;
    }
  }
}

status unpack_to(std::string_view in, std::string& out) {
  auto size = unpacked_size(in);
  if (!size) return size.err();
  const std::size_t start = out.size();
  out.resize(start + *size);
  unpack_raw(in, out.data() + start);
  return ok_t{};
}

result<std::string> unpack(std::string_view in) {
  std::string out;
  if (auto st = unpack_to(in, out); !st) return st.err();
  return out;
}

}  // namespace stratus::sproto
