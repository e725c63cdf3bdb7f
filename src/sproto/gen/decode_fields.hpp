#pragma once
// Field readers used by generated decoders: one function per wire form, each checking the form
// against the declared type as spec 3.5 says (same outcomes as the dynamic decoder).

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sproto/gen/reader.hpp"

namespace stratus::sproto::gen {

/// `integer`: inline, or a 4-byte (sign-extended) or 8-byte block.
inline bool read_integer(const field_in& f, std::int64_t& out, decode_context& cx) {
  if (f.word) {
    out = f.inline_value();
  } else if (f.size == 4) {
    out = static_cast<std::int32_t>(load_u32(f.data));
  } else if (f.size == 8) {
    out = static_cast<std::int64_t>(load_u64(f.data));
  } else {
    return cx.malformed("integer block must be 4 or 8 bytes");
  }
  return true;
}

/// `integer(N)`: an integer divided by `scale` (10^N).
inline bool read_decimal(const field_in& f, double& out, double scale, decode_context& cx) {
  std::int64_t x = 0;
  if (!read_integer(f, x, cx)) return false;
  out = static_cast<double>(x) / scale;
  return true;
}

/// `boolean`: inline only; any non-zero value is true.
inline bool read_boolean(const field_in& f, bool& out, decode_context& cx) {
  if (!f.word) return cx.malformed("boolean in a data block");
  out = f.inline_value() != 0;
  return true;
}

/// `double`: an 8-byte block (a 4-byte one is a reference quirk, refused).
inline bool read_double(const field_in& f, double& out, decode_context& cx) {
  if (f.word) return cx.malformed("inline value for a non-integer field");
  if (f.size == 4) return cx.fail(error_kind::quirk_rejected, "4-byte double");
  if (f.size != 8) return cx.malformed("double block must be 8 bytes");
  out = std::bit_cast<double>(load_u64(f.data));
  return true;
}

/// `string` / `binary`, copied.
inline bool read_bytes(const field_in& f, std::string& out, decode_context& cx) {
  if (f.word) return cx.malformed("inline value for a non-integer field");
  out.assign(f.data, f.size);
  return true;
}

/// `string` / `binary`, as a view into the input.
inline bool read_bytes(const field_in& f, std::string_view& out, decode_context& cx) {
  if (f.word) return cx.malformed("inline value for a non-integer field");
  out = std::string_view(f.data, f.size);
  return true;
}

/// A nested struct: decode_message() (found by ADL) must use the whole block.
template <class T>
bool read_struct(const field_in& f, T& out, int depth, decode_context& cx) {
  if (f.word) return cx.malformed("inline value for a non-integer field");
  std::size_t used = 0;
  return decode_message(out, f.data, f.size, depth + 1, true, used, cx);
}

/// Integer / decimal / double arrays: width byte 4 or 8, then the elements. `load` turns the
/// raw element into the stored value.
template <class T, class Load>
bool read_numbers(const field_in& f, std::vector<T>& out, bool real, Load load,
                  decode_context& cx) {
  if (f.word) return cx.malformed("inline value for an array");
  out.clear();
  if (f.size <= 1) return true;  // empty, or a width byte alone
  const std::size_t width = static_cast<unsigned char>(f.data[0]);
  if (width == 4 && real) return cx.fail(error_kind::quirk_rejected, "double array of width 4");
  if (width != 4 && width != 8) return cx.malformed("array width must be 4 or 8");
  if ((f.size - 1) % width != 0) return cx.malformed("array length not a multiple of width");
  const std::size_t n = (f.size - 1) / width;
  out.resize(n);
  const char* e = f.data + 1;
  for (std::size_t i = 0; i < n; ++i, e += width) {
    const std::int64_t x = width == 4 ? static_cast<std::int32_t>(load_u32(e))
                                      : static_cast<std::int64_t>(load_u64(e));
    out[i] = load(x);
  }
  return true;
}

/// `*integer`.
inline bool read_integers(const field_in& f, std::vector<std::int64_t>& out, decode_context& cx) {
  return read_numbers(f, out, false, [](std::int64_t x) { return x; }, cx);
}
/// `*integer(N)`.
inline bool read_decimals(const field_in& f, std::vector<double>& out, double scale,
                          decode_context& cx) {
  return read_numbers(
      f, out, false, [scale](std::int64_t x) { return static_cast<double>(x) / scale; }, cx);
}
/// `*double`.
inline bool read_doubles(const field_in& f, std::vector<double>& out, decode_context& cx) {
  return read_numbers(
      f, out, true, [](std::int64_t x) { return std::bit_cast<double>(x); }, cx);
}

/// `*boolean`: one byte per element.
inline bool read_booleans(const field_in& f, std::vector<bool>& out, decode_context& cx) {
  if (f.word) return cx.malformed("inline value for an array");
  out.resize(f.size);
  for (std::size_t i = 0; i < f.size; ++i) out[i] = f.data[i] != 0;
  return true;
}

/// Calls `each(element_in)` for every `length:u32 payload` element of an array block.
template <class Each>
bool for_each_element(const field_in& f, decode_context& cx, Each each) {
  if (f.word) return cx.malformed("inline value for an array");
  std::size_t pos = 0;
  while (pos < f.size) {
    if (f.size - pos < 4) return cx.malformed("element length truncated");
    const std::size_t n = load_u32(f.data + pos);
    if (f.size - pos - 4 < n) return cx.malformed("element runs past the block");
    field_in e;
    e.data = f.data + pos + 4;
    e.size = n;
    if (!each(e)) return false;
    pos += 4 + n;
  }
  return true;
}

/// Array elements decoded in place, reusing existing elements (and their storage).
template <class T, class Read>
bool read_elements(const field_in& f, std::vector<T>& out, decode_context& cx, Read read) {
  std::size_t n = 0;
  bool ok = for_each_element(f, cx, [&](const field_in& e) {
    if (n == out.size()) out.emplace_back();
    return read(e, out[n++]);
  });
  out.resize(n);
  return ok;
}

/// `*string` / `*binary`.
template <class S>
bool read_strings(const field_in& f, std::vector<S>& out, decode_context& cx) {
  return read_elements(f, out, cx, [&](const field_in& e, S& s) { return read_bytes(e, s, cx); });
}

/// `*T`.
template <class T>
bool read_structs(const field_in& f, std::vector<T>& out, int depth, decode_context& cx) {
  return read_elements(f, out, cx,
                       [&](const field_in& e, T& t) { return read_struct(e, t, depth, cx); });
}

/// `*T(key)`: elements stored under their key field; a later duplicate key wins.
template <class K, class T, class Key>
bool read_key_map(const field_in& f, std::map<K, T>& out, Key T::*key, int depth,
                  decode_context& cx) {
  out.clear();
  T element;
  return for_each_element(f, cx, [&](const field_in& e) {
    if (!read_struct(e, element, depth, cx)) return false;
    if (!(element.*key)) return cx.fail(error_kind::map_key, "map element without its key");
    out.insert_or_assign(*(element.*key), element);
    return true;
  });
}

/// `*T()`: key field -> value field; an entry missing either is an error.
template <class K, class V, class T, class KeyField, class ValueField>
bool read_pair_map(const field_in& f, std::map<K, V>& out, KeyField T::*key, ValueField T::*val,
                   int depth, decode_context& cx) {
  out.clear();
  T element;
  return for_each_element(f, cx, [&](const field_in& e) {
    if (!read_struct(e, element, depth, cx)) return false;
    if (!(element.*key)) return cx.fail(error_kind::map_key, "map element without its key");
    if (!(element.*val)) return cx.fail(error_kind::map_key, "map entry without value");
    out.insert_or_assign(*(element.*key), *(element.*val));
    return true;
  });
}

}  // namespace stratus::sproto::gen
