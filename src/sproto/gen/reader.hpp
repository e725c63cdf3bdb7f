#pragma once
// Input side of generated decoders: walks the field words of one encoded struct and hands out
// each present field (tag, inline value or data block), bounds-checked as in spec 3.5.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sproto/result.hpp"

namespace stratus::sproto::gen {

/// Deepest struct nesting accepted (as the reference binding).
inline constexpr int max_depth = 64;

/// Why a generated decode failed; no allocation until the caller turns it into an error.
struct decode_context {
  error_kind kind = error_kind::malformed;  ///< category of the failure
  const char* what = "";                    ///< static description

  /// Records a failure; always returns false.
  bool fail(error_kind k, const char* why) {
    kind = k;
    what = why;
    return false;
  }
  /// Records a malformed-input failure.
  bool malformed(const char* why) { return fail(error_kind::malformed, why); }
  /// Records a nesting failure.
  bool too_deep() { return fail(error_kind::too_deep, "The table is too deep"); }
};

/// One present field of a struct being decoded.
struct field_in {
  std::int64_t tag = -1;       ///< field tag
  std::uint32_t word = 0;      ///< raw field word; 0 = the value is in `data`
  const char* data = nullptr;  ///< data block, when word == 0
  std::size_t size = 0;        ///< data block length

  /// The inline value (word / 2 - 1); only meaningful when word != 0.
  std::int64_t inline_value() const { return static_cast<std::int64_t>(word / 2) - 1; }
};

/// Little-endian loads.
inline std::uint16_t load_u16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline std::uint32_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline std::uint64_t load_u64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

/// Walks the words of one struct.
class struct_reader {
 public:
  /// Reads the word count; false (with the reason in `cx`) when the header is truncated.
  bool open(const char* p, std::size_t size, decode_context& cx) {
    if (size < 2) return cx.malformed("message shorter than its field count");
    count_ = load_u16(p);
    const std::size_t header = 2 + 2 * count_;
    if (size < header) return cx.malformed("field words run past the end");
    words_ = p + 2;
    data_ = p + header;
    end_ = p + size;
    begin_ = p;
    return true;
  }

  /// Next present field into `f`: 1 when found, 0 at the end, -1 on malformed input.
  int next(field_in& f, decode_context& cx) {
    while (index_ < count_) {
      const std::uint32_t w = load_u16(words_ + 2 * index_++);
      ++tag_;
      if (w & 1) {
        tag_ += w / 2;
        continue;
      }
      f.tag = tag_;
      f.word = w;
      if (w != 0) return 1;
      if (end_ - data_ < 4) return cx.malformed("data block length truncated"), -1;
      const std::size_t len = load_u32(data_);
      if (static_cast<std::size_t>(end_ - data_ - 4) < len)
        return cx.malformed("data block runs past the end"), -1;
      f.data = data_ + 4;
      f.size = len;
      data_ += 4 + len;
      return 1;
    }
    return 0;
  }

  /// Bytes used by the struct (valid after next() returned 0).
  std::size_t used() const { return static_cast<std::size_t>(data_ - begin_); }

 private:
  const char* begin_ = nullptr;
  const char* words_ = nullptr;
  const char* data_ = nullptr;
  const char* end_ = nullptr;
  std::size_t count_ = 0;
  std::size_t index_ = 0;
  std::int64_t tag_ = -1;
};

}  // namespace stratus::sproto::gen
