#pragma once
// Output of generated encoders: appends to a caller's std::string through a raw pointer, growing
// it geometrically, so a reused buffer costs no allocation and a write is a bounds check and a
// memcpy.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace stratus::sproto::gen {

/// Selects the writer that uses a whole string as scratch memory.
struct scratch_buffer_t {};
/// Tag value for writer(std::string&, scratch_buffer).
inline constexpr scratch_buffer_t scratch_buffer{};

/// Appends bytes to a std::string; call finish() (or let the destructor) trim it.
class writer {
 public:
  /// Starts appending at the end of `out`.
  explicit writer(std::string& out) : out_(out), pos_(out.size()) {
    out_.resize(out_.capacity());
  }
  /// Writes from the start of `buf`, a buffer the caller keeps only as memory: its size is left
  /// as it is (never trimmed), so reusing it costs no zero-filling. pos() is what was written.
  writer(std::string& buf, scratch_buffer_t) : out_(buf), pos_(0), trim_(false) {
    if (out_.size() < out_.capacity()) out_.resize(out_.capacity());
  }
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;
  ~writer() { finish(); }

  /// Trims the string to what was written (not for a scratch buffer).
  void finish() {
    if (trim_) out_.resize(pos_);
  }
  /// Start of the string's memory.
  const char* data() const { return out_.data(); }
  /// Writes zero bytes up to the next multiple of 8 without counting them in pos().
  void pad_to_word() { std::memset(reserve(8), 0, 8); }
  /// Bytes written so far, counted from the start of the string.
  std::size_t pos() const { return pos_; }
  /// Drops everything written after `pos`.
  void rewind(std::size_t pos) { pos_ = pos; }

  /// Room for `n` more bytes; advance() after writing them.
  char* reserve(std::size_t n) {
    if (out_.size() - pos_ < n) grow(n);
    return out_.data() + pos_;
  }
  /// Commits `n` bytes written through reserve().
  void advance(std::size_t n) { pos_ += n; }

  /// Appends a little-endian u16/u32/u64.
  void put_u16(std::uint32_t v) { put_le(v, 2); }
  void put_u32(std::uint32_t v) { put_le(v, 4); }
  void put_u64(std::uint64_t v) { put_le(v, 8); }
  /// Appends raw bytes.
  void append(const char* p, std::size_t n) {
    char* d = reserve(n);
    if (n) std::memcpy(d, p, n);
    pos_ += n;
  }
  /// Appends one byte.
  void push(char c) {
    *reserve(1) = c;
    ++pos_;
  }

  /// Starts a length-prefixed block; returns its position for close_block().
  std::size_t open_block() {
    reserve(4);
    std::size_t at = pos_;
    pos_ += 4;
    return at;
  }
  /// Writes the length of the block opened at `at`.
  void close_block(std::size_t at) { store_le(out_.data() + at, pos_ - at - 4, 4); }

 private:
  static void store_le(char* p, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) p[i] = static_cast<char>(v >> (8 * i));
  }
  void put_le(std::uint64_t v, int n) {
    store_le(reserve(8), v, n);
    pos_ += static_cast<std::size_t>(n);
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    out_.resize(std::max({out_.size() * 2, pos_ + n, std::size_t{64}}));
  }

  std::string& out_;
  std::size_t pos_;
  bool trim_ = true;
};

}  // namespace stratus::sproto::gen
