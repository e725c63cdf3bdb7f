// 0-packing a word (8 bytes) at a time: a word's zero/non-zero byte mask is computed with a
// few integer operations; output goes through a small staging buffer, raw runs are copied whole.

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

}  // namespace

void pack_to(std::string_view input, std::string& out) {
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
    unsigned mask = nonzero_mask(w);
    if (mask != 0xff) {
      o.commit(pack_word(w, mask, o.word_space()));
      ++i;
      continue;
    }
    // Raw run: this word plus following words with >= 6 non-zero bytes, 256 words at most.
    std::size_t j = i + 1;
    while (j < words && j - i < 256 && std::popcount(nonzero_mask(word_at(j))) >= 6) ++j;
    byte* p = o.word_space();
    p[0] = 0xff;
    p[1] = static_cast<byte>(j - i - 1);
    o.commit(p + 2);
    o.flush();
    const std::size_t begin = i * 8;
    const std::size_t end = j * 8 < size ? j * 8 : size;
    out.append(input.data() + begin, end - begin);
    out.append(j * 8 - end, '\0');  // padding of a partial last word
    i = j;
  }
}

std::string pack(std::string_view in) {
  std::string out;
  pack_to(in, out);
  return out;
}

status unpack_to(std::string_view in, std::string& out) {
  const std::size_t start = out.size();
  const auto* p = reinterpret_cast<const byte*>(in.data());
  const std::size_t n = in.size();
  auto fail = [&](const char* why) {
    out.resize(start);
    return make_error(error_kind::unpack, why);
  };
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
        out.append(in.data() + i + 1, len);
        i += 1 + len;
        continue;
      }
      byte* w = o.word_space();
      if (n - i >= 8) {
        // Branch-free: read a byte for every position, advance only past the used ones.
        for (int k = 0; k < 8; ++k) {
          const unsigned bit = (tag >> k) & 1u;
          w[k] = static_cast<byte>(p[i] & (0u - bit));
          i += bit;
        }
      } else {
        if (n - i < static_cast<std::size_t>(std::popcount(tag)))
          return o.flush(), fail("Invalid unpack stream: truncated word");
        for (int k = 0; k < 8; ++k) w[k] = (tag >> k) & 1u ? p[i++] : 0;
      }
      o.commit(w + 8);
    }
  }
  return ok_t{};
}

result<std::string> unpack(std::string_view in) {
  std::string out;
  if (auto st = unpack_to(in, out); !st) return st.err();
  return out;
}

}  // namespace stratus::sproto
