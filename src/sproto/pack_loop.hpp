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

// Loads the word at `p` a byte at a time. For input that was just written (an encoder's output),
// an 8-byte load that spans several recent smaller stores cannot be served from them and waits
// until they reach the cache (a store-forwarding stall, ~15 cycles a word); a byte always comes
// from one store. The empty asm keeps GCC from merging the loads back into one.
std::uint64_t load_bytes(const byte* p) {
  std::uint64_t w = 0;
  for (int k = 0; k < 8; ++k) {
    std::uint64_t b = p[k];
    asm("" : "+r"(b));
    w |= b << (8 * k);
  }
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// Inputs up to this size are read a byte at a time (load_bytes()): a whole small message is
// likely to be still in flight, while only the tail of a large one is.
constexpr std::size_t fresh_input_limit = 64;

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

// Copies a raw run into raw memory (out of line for the same reason).
[[gnu::noinline]] void copy_run(byte* out, const byte* p, std::size_t n) {
  std::memcpy(out, p, n);
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
  // Appends `n` bytes copied verbatim from `p`, then `pad` zero bytes.
  void run(const byte* p, std::size_t n, std::size_t pad) {
    flush();
    append_run(out_, reinterpret_cast<const char*>(p), n);
    if (pad) out_.append(pad, '\0');
  }
  void flush() {
    out_.append(reinterpret_cast<const char*>(buf_), n_);
    n_ = 0;
  }

 private:
  std::string& out_;
  byte buf_[512];
  std::size_t n_ = 0;
};

// Output into memory the caller sized for the worst case: no checks at all.
class raw_output {
 public:
  explicit raw_output(byte* p) : p_(p) {}
  byte* word_space() { return p_; }
  void commit(byte* end) { p_ = end; }
  void run(const byte* p, std::size_t n, std::size_t pad) {
    copy_run(p_, p, n);
    std::memset(p_ + n, 0, pad);
    p_ += n + pad;
  }
  byte* end() const { return p_; }

 private:
  byte* p_;
};

// True when no byte of `w` is zero.
inline bool all_nonzero(std::uint64_t w) {
  return ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) == 0;
}

// Packs `size` bytes at `in`. Whole words go through a loop whose only branch is the start of a
// raw run (an all-zero word is a tag byte of 0 and nothing else, as any other word).
template <class Codec, bool ByBytes, class Output>
void pack_loop(const byte* in, std::size_t size, Output& o) {
  const std::size_t words = (size + 7) / 8;
  const std::size_t full = size / 8;
  auto word_at = [&](std::size_t i) {
    return i < full ? load_word(in + i * 8) : load_partial(in + i * 8, size - i * 8);
  };
  std::size_t i = 0;
  for (;;) {
    std::uint64_t w = 0;
    unsigned mask = 0;
    for (; i < full; ++i) {
      w = ByBytes ? load_bytes(in + i * 8) : load_word(in + i * 8);
      mask = Codec::nonzero_mask(w);
      if (mask == 0xff) break;
      o.commit(Codec::pack_word(w, mask, o.word_space()));
    }
    if (i == words) return;
    if (i == full) {  // the zero-padded partial last word
      w = load_partial(in + i * 8, size - i * 8);
      mask = Codec::nonzero_mask(w);
      if (mask != 0xff) {
        o.commit(Codec::pack_word(w, mask, o.word_space()));
        return;
      }
    }
    // Raw run: this word plus following words with >= 6 non-zero bytes, 256 words at most.
    const std::size_t limit = words - i < 256 ? words : i + 256;
    std::size_t j = i + 1;
    while (j < limit) {
      const std::uint64_t v = word_at(j);
      if (!all_nonzero(v) && Codec::tables.count[Codec::nonzero_mask(v)] < 6) break;
      ++j;
    }
    byte* p = o.word_space();
    p[0] = 0xff;
    p[1] = static_cast<byte>(j - i - 1);
    o.commit(p + 2);
    const std::size_t begin = i * 8;
    const std::size_t end = j * 8 < size ? j * 8 : size;
    o.run(in + begin, end - begin, j * 8 - end);  // padding of a partial last word
    i = j;
  }
}

template <class Codec, class Output>
void pack_input(const byte* in, std::size_t size, Output& o) {
  if (size <= fresh_input_limit) return pack_loop<Codec, true>(in, size, o);
  pack_loop<Codec, false>(in, size, o);
}

// Unpacks `n` bytes at `p`; nullptr when done, else why the stream is invalid. While a tag byte
// is followed by 8 readable bytes, a word is one table-driven expansion with no other check.
template <class Codec, class Output>
const char* unpack_loop(const byte* p, std::size_t n, Output& o) {
  // The last 8 bytes of the input (fewer when it is shorter, zero-filled at the bottom), in
  // memory order from the low byte: words near the end expand from it instead of byte by byte.
  std::uint64_t tail = 0;
  if (n >= 8) {
    tail = load_word(p + n - 8);
    if constexpr (std::endian::native == std::endian::big) tail = __builtin_bswap64(tail);
  } else {
    for (std::size_t k = 0; k < n; ++k)
      tail |= static_cast<std::uint64_t>(p[k]) << (8 * (8 - n + k));
  }
  std::size_t i = 0;
  while (i < n) {
    const unsigned tag = p[i++];
    if (tag == 0xff) {
      if (i >= n) return "Invalid unpack stream: truncated 0xff run";
      const std::size_t len = (static_cast<std::size_t>(p[i]) + 1) * 8;
      if (n - i - 1 < len) return "Invalid unpack stream: truncated 0xff run";
      o.run(p + i + 1, len, 0);
      i += 1 + len;
      continue;
    }
    byte* w = o.word_space();
    if (n - i >= 8) {
      Codec::unpack_word(tag, p + i, w);
    } else {
      // The last words: their bytes are the top ones of `tail`, which holds the input's end.
      const std::size_t left = n - i;
      if (left < Codec::tables.count[tag]) return "Invalid unpack stream: truncated word";
      std::uint64_t rest = left == 0 ? 0 : tail >> (8 * (8 - left));
      if constexpr (std::endian::native == std::endian::big) rest = __builtin_bswap64(rest);
      byte b[8];
      std::memcpy(b, &rest, 8);
      Codec::unpack_word(tag, b, w);
    }
    i += Codec::tables.count[tag];
    o.commit(w + 8);
  }
  return nullptr;
}

// The string forms of pack_to()/unpack_to() over a codec.
// Up to 1 KiB of input, packing goes straight into `out` sized for the worst case, then trimmed:
// word by word with no staging and no per-run appends (medium struct, 420 bytes: 135 -> 80 ns).
// Beyond, raw runs dominate and the zero-filling of that room costs more than it saves (4 KiB
// of raw run: 0.41 -> 0.47 us): the staged output appends runs straight from the input. A small
// message is packed on the stack and appended, so that a short result stays in the string's own
// storage.
template <class Codec>
void pack_string(std::string_view in, std::string& out) {
  const std::size_t bound = (in.size() + 7) / 8 * 10 + 8;  // pack_bound()
  const auto* p = reinterpret_cast<const byte*>(in.data());
  constexpr std::size_t small = 128;
  if (bound <= small) {
    byte buf[small];
    raw_output o(buf);
    pack_input<Codec>(p, in.size(), o);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(o.end() - buf));
  } else if (in.size() <= 1024) {
    const std::size_t at = out.size();
    out.resize(at + bound);
    raw_output o(reinterpret_cast<byte*>(out.data() + at));
    pack_input<Codec>(p, in.size(), o);
    out.resize(static_cast<std::size_t>(o.end() - reinterpret_cast<byte*>(out.data())));
  } else {
    chunked_output o(out);
    pack_input<Codec>(p, in.size(), o);
  }
}

template <class Codec>
status unpack_string(std::string_view in, std::string& out) {
  const std::size_t start = out.size();
  out.reserve(start + 2 * in.size());  // typical expansion; grows further if needed
  const char* why = nullptr;
  {
    chunked_output o(out);
    why = unpack_loop<Codec>(reinterpret_cast<const byte*>(in.data()), in.size(), o);
  }
  if (why) {
    out.resize(start);
    return make_error(error_kind::unpack, why);
  }
  return ok_t{};
}

// The raw-memory forms (pack_raw()/unpack_raw() in pack.hpp).
template <class Codec>
std::size_t pack_memory(const char* in, std::size_t size, char* out) {
  raw_output o(reinterpret_cast<byte*>(out));
  pack_input<Codec>(reinterpret_cast<const byte*>(in), size, o);
  return static_cast<std::size_t>(o.end() - reinterpret_cast<byte*>(out));
}

template <class Codec>
const char* unpack_memory(const char* in, std::size_t size, char* out, std::size_t& written) {
  raw_output o(reinterpret_cast<byte*>(out));
  const char* why = unpack_loop<Codec>(reinterpret_cast<const byte*>(in), size, o);
  written = static_cast<std::size_t>(o.end() - reinterpret_cast<byte*>(out));
  return why;
}

}  // namespace
}  // namespace stratus::sproto
