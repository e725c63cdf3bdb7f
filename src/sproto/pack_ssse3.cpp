// The SSSE3 word codec of 0-packing, built with -mssse3 and only called after a CPU check
// (pack.cpp): a word's non-zero mask is one compare + movemask, and compressing or expanding it
// is one pshufb with a mask from a 256-entry table.

#include <tmmintrin.h>

#include "sproto/pack_loop.hpp"
#include "sproto/pack_simd.hpp"

namespace stratus::sproto {
namespace {

struct ssse3_codec {
  static constexpr mask_tables tables = make_tables(0x80);

  static unsigned nonzero_mask(std::uint64_t w) {
    const __m128i v = _mm_cvtsi64_si128(static_cast<long long>(w));
    const unsigned zero = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));
    return ~zero & 0xffu;
  }

  // Tag byte, then the non-zero bytes gathered by pshufb; `out` needs 9 writable bytes.
  static byte* pack_word(std::uint64_t w, unsigned mask, byte* out) {
    out[0] = static_cast<byte>(mask);
    const __m128i v = _mm_cvtsi64_si128(static_cast<long long>(w));
    const __m128i shuffle = _mm_loadl_epi64(
        reinterpret_cast<const __m128i*>(tables.set_positions[mask].data()));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 1), _mm_shuffle_epi8(v, shuffle));
    return out + 1 + tables.count[mask];
  }

  // Expands the packed bytes at `in` (8 readable bytes) of a word with tag `tag` into `out`.
  static void unpack_word(unsigned tag, const byte* in, byte* out) {
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in));
    const __m128i shuffle = _mm_loadl_epi64(
        reinterpret_cast<const __m128i*>(tables.source_index[tag].data()));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(v, shuffle));
  }
};

}  // namespace

namespace detail {

void pack_ssse3(std::string_view in, std::string& out) {
  pack_string<ssse3_codec>(in, out);
}

status unpack_ssse3(std::string_view in, std::string& out) {
  return unpack_string<ssse3_codec>(in, out);
}

std::size_t pack_raw_ssse3(const char* in, std::size_t n, char* out) {
  return pack_memory<ssse3_codec>(in, n, out);
}

const char* unpack_raw_ssse3(const char* in, std::size_t n, char* out, std::size_t& written) {
  return unpack_memory<ssse3_codec>(in, n, out, written);
}

}  // namespace detail
}  // namespace stratus::sproto
