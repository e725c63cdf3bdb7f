#pragma once
// Internal to pack.cpp and pack_ssse3.cpp: the packing loops (spec section 4), templated on a
// word codec (how one 8-byte word is measured, compressed and expanded). Everything here has
// internal linkage on purpose: the two files are compiled for different instruction sets.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "sproto/result.hpp"

namespace stratus::sproto {
namespace {  // NOLINT(google-build-namespaces): see above

using byte = unsigned char;

std::uint64_t load_word(const byte* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Loads the word at `p` with `n` < 8 valid bytes, zero-padded (assembled in a register: a
// variable-length memcpy into a local word stalls the load that follows it).
std::uint64_t load_partial(const byte* p, std::size_t n) {
  std::uint64_t w = 0;
  for (std::size_t k = 0; k < n; ++k) w |= static_cast<std::uint64_t>(p[k]) << (8 * k);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// Bit i set iff byte i (in memory order) of `w` is non-zero.
unsigned nonzero_mask_scalar(std::uint64_t w) {
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  std::uint64_t y = w | (w >> 4);
  y |= y >> 2;
  y |= y >> 1;
  y &= 0x0101010101010101ull;
  // Gathers bit 0 of every byte into the top byte; the shifted terms never collide.
  return static_cast<unsigned>((y * 0x0102040810204080ull) >> 56);
}

// For every tag/mask byte: its number of set bits, the positions of the set bits in order
// (padded with `pad`), and for each bit position the index of its byte among the set ones
// (`pad` when clear). The scalar codec pads with 8 (a zero byte after the word), the SSSE3 one
// with 0x80 (pshufb writes zero).
struct mask_tables {
  std::array<byte, 256> count{};
  std::array<std::array<byte, 8>, 256> set_positions{};
  std::array<std::array<byte, 8>, 256> source_index{};
};

constexpr mask_tables make_tables(byte pad) {
  mask_tables t;
  for (unsigned m = 0; m < 256; ++m) {
    byte n = 0;
    for (unsigned k = 0; k < 8; ++k) {
      t.set_positions[m][k] = pad;
      t.source_index[m][k] = pad;
    }
    for (unsigned k = 0; k < 8; ++k) {
      if (m & (1u << k)) {
        t.set_positions[m][n] = static_cast<byte>(k);
        t.source_index[m][k] = n++;
      }
    }
    t.count[m] = n;
  }
  return t;
}


/// Word codec in portable C++: table lookups into a local copy of the word.
struct scalar_codec {
  static constexpr mask_tables tables = make_tables(8);

  static unsigned nonzero_mask(std::uint64_t w) { return nonzero_mask_scalar(w); }

// Writes the tag byte and the non-zero bytes of one word; `out` needs 9 writable bytes.
static byte* pack_word(std::uint64_t w, unsigned mask, byte* out) {
  out[0] = static_cast<byte>(mask);
  byte b[9];
  std::memcpy(b, &w, 8);
  b[8] = 0;
  const auto& pos = tables.set_positions[mask];
  for (int k = 0; k < 8; ++k) out[1 + k] = b[pos[k]];  // the tail past count is scratch
  return out + 1 + tables.count[mask];
}

// Expands the packed bytes at `in` (8 readable bytes) of a word with tag `tag` into `out`.
static void unpack_word(unsigned tag, const byte* in, byte* out) {
  byte b[9];
  std::memcpy(b, in, 8);
  b[8] = 0;
  const auto& src = tables.source_index[tag];
  for (int k = 0; k < 8; ++k) out[k] = b[src[k]];
}
};

// Appends a raw run. Kept out of line so that the copy is libc's memcpy: inlined, GCC turns a
// length known to be a multiple of 8 into `rep movsq`, which is much slower on misaligned data.
[[gnu::noinline]] void append_run(std::string& out, const char* p, std::size_t n) {
  out.append(p, n);
}

// Output staging: words are packed into a small local buffer that is appended to the string in
// chunks, and raw runs are appended straight from the input, so the output is never zero-filled.
class chunked_output {
 public:
  explicit chunked_output(std::string& out) : out_(out) {}
  ~chunked_output() { flush(); }
  // Room for one packed or unpacked word (at most 10 bytes).
  byte* word_space() {
    if (n_ + 10 > sizeof(buf_)) flush();
    return buf_ + n_;
  }
  void commit(byte* end) { n_ = static_cast<std::size_t>(end - buf_); }
  void flush() {
    out_.append(reinterpret_cast<const char*>(buf_), n_);
    n_ = 0;
  }

 private:
  std::string& out_;
  byte buf_[512];
  std::size_t n_ = 0;
};

template <class Codec>
void pack_loop(std::string_view input, std::string& out) {
  const auto* in = reinterpret_cast<const byte*>(input.data());
  const std::size_t size = input.size();
  const std::size_t words = (size + 7) / 8;
  const std::size_t full = size / 8;
  auto word_at = [&](std::size_t i) {
    return i < full ? load_word(in + i * 8) : load_partial(in + i * 8, size - i * 8);
  };
  chunked_output o(out);
  std::size_t i = 0;
  while (i < words) {
    std::uint64_t w = word_at(i);
    unsigned mask = Codec::nonzero_mask(w);
    if (mask == 0) {
      byte* z = o.word_space();
      *z = 0;
      o.commit(z + 1);
      ++i;
      continue;
    }
    if (mask != 0xff) {
      o.commit(Codec::pack_word(w, mask, o.word_space()));
      ++i;
      continue;
    }
    // Raw run: this word plus following words with >= 6 non-zero bytes, 256 words at most.
    std::size_t j = i + 1;
    while (j < words && j - i < 256 && Codec::tables.count[Codec::nonzero_mask(word_at(j))] >= 6) ++j;
    byte* p = o.word_space();
    p[0] = 0xff;
    p[1] = static_cast<byte>(j - i - 1);
    o.commit(p + 2);
    o.flush();
    const std::size_t begin = i * 8;
    const std::size_t end = j * 8 < size ? j * 8 : size;
    append_run(out, input.data() + begin, end - begin);
    out.append(j * 8 - end, '\0');  // padding of a partial last word
    i = j;
  }
}


template <class Codec>
status unpack_loop(std::string_view in, std::string& out) {
  const std::size_t start = out.size();
  const auto* p = reinterpret_cast<const byte*>(in.data());
  const std::size_t n = in.size();
  auto fail = [&](const char* why) {
    out.resize(start);
    return make_error(error_kind::unpack, why);
  };
  out.reserve(start + 2 * n);  // typical expansion; grows further if needed
  {
    chunked_output o(out);
    std::size_t i = 0;
    while (i < n) {
      const unsigned tag = p[i++];
      if (tag == 0xff) {
        if (i >= n) return o.flush(), fail("Invalid unpack stream: truncated 0xff run");
        const std::size_t len = (static_cast<std::size_t>(p[i]) + 1) * 8;
        if (n - i - 1 < len) return o.flush(), fail("Invalid unpack stream: truncated 0xff run");
        o.flush();
        append_run(out, in.data() + i + 1, len);
        i += 1 + len;
        continue;
      }
      byte* w = o.word_space();
      if (n - i >= 8) {
        Codec::unpack_word(tag, p + i, w);
        i += Codec::tables.count[tag];
      } else {
        if (n - i < Codec::tables.count[tag])
          return o.flush(), fail("Invalid unpack stream: truncated word");
        for (int k = 0; k < 8; ++k) w[k] = (tag >> k) & 1u ? p[i++] : 0;
      }
      o.commit(w + 8);
    }
  }
  return ok_t{};
}


}  // namespace
}  // namespace stratus::sproto
