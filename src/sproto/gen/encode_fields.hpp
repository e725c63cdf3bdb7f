#pragma once
// Field writers used by generated encoders (spec 3.2-3.4): the field-word list of a struct and
// one function per data-block form.

#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "sproto/gen/writer.hpp"

namespace stratus::sproto::gen {

/// The field words of one struct, built in tag order; N is an upper bound (2 per field).
template <std::size_t N>
class word_list {
 public:
  /// Adds field `tag` with `word` (0 = data block), preceded by a skip word after a gap.
  void add(int tag, std::uint16_t word) {
    if (tag - last_ > 1) words_[n_++] = static_cast<std::uint16_t>(2 * (tag - last_ - 1) - 1);
    words_[n_++] = word;
    last_ = tag;
  }
  /// Writes the count and the words.
  void write(writer& w) const {
    char* p = w.reserve(2 + 2 * n_);
    p[0] = static_cast<char>(n_);
    p[1] = static_cast<char>(n_ >> 8);
    for (std::size_t i = 0; i < n_; ++i) {
      p[2 + 2 * i] = static_cast<char>(words_[i]);
      p[3 + 2 * i] = static_cast<char>(words_[i] >> 8);
    }
    w.advance(2 + 2 * n_);
  }

 private:
  std::uint16_t words_[N > 0 ? N : 1];
  std::size_t n_ = 0;
  int last_ = -1;
};

/// Field word of an integer: inline for 0..0x7ffe, else 0 (data block).
inline std::uint16_t integer_word(std::int64_t v) {
  return v >= 0 && v <= 0x7ffe ? static_cast<std::uint16_t>((v + 1) * 2) : 0;
}

/// round_half_away_from_zero(x * scale) in binary64; false when it does not fit an int64.
inline bool scale_decimal(double x, double scale, std::int64_t& out) {
  const double s = std::round(x * scale);
  if (!(s >= -9223372036854775808.0 && s < 9223372036854775808.0)) return false;
  out = static_cast<std::int64_t>(s);
  return true;
}

/// True when `v` needs the 8-byte form.
inline bool is_wide(std::int64_t v) {
  return v < -2147483648LL || v > 2147483647LL;
}

/// Data block of a non-inline integer (4 or 8 bytes).
inline void put_integer(writer& w, std::int64_t v) {
  if (is_wide(v)) {
    w.put_u32(8);
    w.put_u64(static_cast<std::uint64_t>(v));
  } else {
    w.put_u32(4);
    w.put_u32(static_cast<std::uint32_t>(v));
  }
}

/// Data block of a double.
inline void put_double(writer& w, double d) {
  w.put_u32(8);
  w.put_u64(std::bit_cast<std::uint64_t>(d));
}

/// Data block of a string or binary (std::string or std::string_view).
template <class S>
void put_bytes(writer& w, const S& s) {
  char* p = w.reserve(4 + s.size());
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(n >> (8 * i));
  if (!s.empty()) std::memcpy(p + 4, s.data(), s.size());
  w.advance(4 + s.size());
}

/// `*integer` (already scaled for decimals): width 8 if any element needs it, else 4.
inline void put_integers(writer& w, const std::vector<std::int64_t>& v) {
  const std::size_t at = w.open_block();
  if (!v.empty()) {
    bool wide = false;
    for (auto x : v) wide = wide || is_wide(x);
    w.push(wide ? 8 : 4);
    for (auto x : v) wide ? w.put_u64(static_cast<std::uint64_t>(x)) : w.put_u32(static_cast<std::uint32_t>(x));
  }
  w.close_block(at);
}

/// `*integer(N)`; false when an element does not scale into an int64.
inline bool put_decimals(writer& w, const std::vector<double>& v, double scale) {
  std::vector<std::int64_t> scaled(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!scale_decimal(v[i], scale, scaled[i])) return false;
  put_integers(w, scaled);
  return true;
}

/// `*double`.
inline void put_doubles(writer& w, const std::vector<double>& v) {
  const std::size_t at = w.open_block();
  if (!v.empty()) {
    w.push(8);
    for (double d : v) w.put_u64(std::bit_cast<std::uint64_t>(d));
  }
  w.close_block(at);
}

/// `*boolean`: one byte per element.
inline void put_booleans(writer& w, const std::vector<bool>& v) {
  w.put_u32(static_cast<std::uint32_t>(v.size()));
  for (bool b : v) w.push(b ? 1 : 0);
}

/// `*string` / `*binary`.
template <class S>
void put_strings(writer& w, const std::vector<S>& v) {
  const std::size_t at = w.open_block();
  for (const auto& s : v) put_bytes(w, s);
  w.close_block(at);
}

/// One nested struct block; encode_message() is found by ADL.
template <class T>
bool put_struct(writer& w, const T& t, int depth) {
  const std::size_t at = w.open_block();
  if (!encode_message(t, w, depth + 1)) return false;
  w.close_block(at);
  return true;
}

/// `*T`.
template <class T>
bool put_structs(writer& w, const std::vector<T>& v, int depth) {
  const std::size_t at = w.open_block();
  for (const auto& t : v)
    if (!put_struct(w, t, depth)) return false;
  w.close_block(at);
  return true;
}

/// `*T(key)`: the elements in key order.
template <class K, class T>
bool put_key_map(writer& w, const std::map<K, T>& m, int depth) {
  const std::size_t at = w.open_block();
  for (const auto& entry : m)
    if (!put_struct(w, entry.second, depth)) return false;
  w.close_block(at);
  return true;
}

/// `*T()`: each entry written as a T with the key and value fields set.
template <class T, class K, class V, class KeyField, class ValueField>
bool put_pair_map(writer& w, const std::map<K, V>& m, KeyField T::*key, ValueField T::*val,
                  int depth) {
  const std::size_t at = w.open_block();
  T element;
  for (const auto& [k, v] : m) {
    element.*key = k;
    element.*val = v;
    if (!put_struct(w, element, depth)) return false;
  }
  w.close_block(at);
  return true;
}

}  // namespace stratus::sproto::gen
