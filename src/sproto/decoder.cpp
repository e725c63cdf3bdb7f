// Decoder (spec 3.5): every length is checked against the bytes that remain before it is used,
// so any input yields a value or an error.

#include <algorithm>
#include <bit>

#include "sproto/codec.hpp"
#include "sproto/wire.hpp"

namespace stratus::sproto {
namespace {

using detail::read_u16;
using detail::read_u32;
using detail::read_u64;
using byte = unsigned char;

error malformed(std::string why) {
  return make_error(error_kind::malformed, std::move(why));
}

// Number of length-prefixed elements in a block, counting until the first bad length (whose
// error the caller reports as it reaches it): arrays are sized once instead of growing.
std::size_t count_elements(const unsigned char* b, std::size_t len) {
  std::size_t pos = 0;
  std::size_t n = 0;
  while (len - pos >= 4) {
    const std::size_t size = read_u32(b + pos);
    if (len - pos - 4 < size) break;
    pos += 4 + size;
    ++n;
  }
  return n;
}

class decoder {
 public:
  // `views`: byte strings become views into the input (decode_view_to()).
  decoder(const schema& s, bool views) : schema_(s), views_(views) {}

  // Decodes one struct from [p, p + size). Returns the bytes used; `exact` demands all of them.
  result<std::size_t> decode_struct(const struct_type& t, const byte* p, std::size_t size,
                                    int depth, bool exact, value& out) {
    if (size < 2) return malformed("message shorter than its field count");
    std::size_t count = read_u16(p);
    std::size_t header = 2 + 2 * count;
    if (size < header) return malformed("field words run past the end");
    object& obj = out.make_fields();
    if (obj.empty()) obj.reserve(std::min(count, t.fields.size()));
    std::size_t slots = 0;  // fields filled so far; existing entries are reused in order
    const byte* data = p + header;
    const byte* end = p + size;
    std::int64_t tag = -1;
    std::size_t next_field = 0;  // fields are sorted and tags only grow: walk both together
    for (std::size_t i = 0; i < count; ++i) {
      std::uint32_t w = read_u16(p + 2 + 2 * i);
      ++tag;
      if (w & 1) {
        tag += w / 2;
        continue;
      }
      const byte* block = nullptr;
      std::size_t block_len = 0;
      if (w == 0) {
        if (end - data < 4) return malformed("data block length truncated");
        block_len = read_u32(data);
        if (static_cast<std::size_t>(end - data - 4) < block_len) {
          return malformed("data block runs past the end");
        }
        block = data + 4;
        data += 4 + block_len;
      }
      while (next_field < t.fields.size() && t.fields[next_field].tag < tag) ++next_field;
      if (next_field == t.fields.size() || t.fields[next_field].tag != tag) continue;
      const field& f = t.fields[next_field];
      if (depth >= detail::max_depth)
        return make_error(error_kind::too_deep, "The table is too deep");
      if (slots == obj.size()) {
        obj.emplace_back(f.name, value{});
      } else if (!detail::same_name(obj[slots].first, f.name)) {
        obj[slots].first = f.name;
      }
      value& slot = obj[slots++].second;
      status st = w != 0 ? inline_value(t, f, w / 2 - 1, slot)
                         : block_value(t, f, block, block_len, depth, slot);
      if (!st) return st.error();
    }
    if (slots < obj.size()) obj.erase(obj.begin() + static_cast<std::ptrdiff_t>(slots), obj.end());
    std::size_t used = static_cast<std::size_t>(data - p);
    if (exact && used != size) return malformed("nested struct " + t.name + " has trailing bytes");
    return used;
  }

 private:
  static std::string where(const struct_type& t, const field& f) { return t.name + "." + f.name; }

  static value number(const field& f, std::int64_t x) {
    if (f.is_decimal()) return value(static_cast<double>(x) / f.scale);
    return value(x);
  }

  // Stores a number in `slot` in place.
  static void set_number(value& slot, const field& f, std::int64_t x) {
    if (f.is_decimal()) {
      slot.set(static_cast<double>(x) / f.scale);
    } else {
      slot.set(x);
    }
  }

  // Stores bytes in `slot`: a view into the input, or a copy reusing its string if it has one.
  void set_bytes(value& slot, const byte* b, std::size_t len) const {
    if (views_) {
      slot.assign_bytes_view(reinterpret_cast<const char*>(b), len);
    } else {
      slot.assign_bytes(reinterpret_cast<const char*>(b), len);
    }
  }

  // The array held by `slot` (made one if it holds something else), for reuse.
  static array& array_of(value& slot) {
    if (!slot.is_array()) slot = value(array{});
    return slot.items();
  }

  status inline_value(const struct_type& t, const field& f, std::int64_t v, value& out) {
    if (f.array) return malformed(where(t, f) + ": inline value for an array");
    if (f.type == field_type::integer) {
      set_number(out, f, v);
    } else if (f.type == field_type::boolean) {
      out.set(v != 0);
    } else {
      return malformed(where(t, f) + ": inline value for a non-integer field");
    }
    return ok_t{};
  }

  status block_value(const struct_type& t, const field& f, const byte* b, std::size_t len,
                     int depth, value& out) {
    if (f.array) return array_value(t, f, b, len, depth, out);
    switch (f.type) {
      case field_type::integer:
        if (len == 4) {
          set_number(out, f, static_cast<std::int32_t>(read_u32(b)));
        } else if (len == 8) {
          set_number(out, f, static_cast<std::int64_t>(read_u64(b)));
        } else {
          return malformed(where(t, f) + ": integer block must be 4 or 8 bytes");
        }
        return ok_t{};
      case field_type::real:
        // A 4-byte double is a reference quirk (sign-extended integer bits); refused here.
        if (len == 4)
          return make_error(error_kind::quirk_rejected, where(t, f) + ": 4-byte double");
        if (len != 8) return malformed(where(t, f) + ": double block must be 8 bytes");
        out.set(std::bit_cast<double>(read_u64(b)));
        return ok_t{};
      case field_type::boolean:
        return malformed(where(t, f) + ": boolean in a data block");
      case field_type::string:
      case field_type::binary:
        set_bytes(out, b, len);
        return ok_t{};
      case field_type::structure: {
        auto r = decode_struct(schema_.type_at(f.struct_index), b, len, depth + 1, true, out);
        if (!r) return r.error();
        return ok_t{};
      }
    }
    return malformed("internal: unknown field type");
  }

  status array_value(const struct_type& t, const field& f, const byte* b, std::size_t len,
                     int depth, value& out);
  status numbers(const struct_type& t, const field& f, const byte* b, std::size_t len, array& out);
  status struct_elements(const struct_type& t, const field& f, const byte* b, std::size_t len,
                         int depth, array& out);
  status to_map(const struct_type& t, const field& f, array& elements, value& out);

  const schema& schema_;
  const bool views_;
};

status decoder::array_value(const struct_type& t, const field& f, const byte* b, std::size_t len,
                            int depth, value& out) {
  if (f.type == field_type::structure && f.is_map()) {
    array elements;
    if (auto st = struct_elements(t, f, b, len, depth, elements); !st) return st;
    if (!out.is_map()) out = value(map{});
    return to_map(t, f, elements, out);
  }
  array& items = array_of(out);
  switch (f.type) {
    case field_type::integer:
    case field_type::real:
      return numbers(t, f, b, len, items);
    case field_type::boolean:
      items.resize(len);
      for (std::size_t i = 0; i < len; ++i) items[i].set(b[i] != 0);
      return ok_t{};
    case field_type::string:
    case field_type::binary: {
      std::size_t pos = 0;
      std::size_t n_items = 0;
      if (items.empty()) items.reserve(count_elements(b, len));
      while (pos < len) {
        if (len - pos < 4) return malformed(where(t, f) + ": element length truncated");
        std::size_t n = read_u32(b + pos);
        if (len - pos - 4 < n) return malformed(where(t, f) + ": element runs past the block");
        if (n_items == items.size()) items.emplace_back();
        set_bytes(items[n_items++], b + pos + 4, n);
        pos += 4 + n;
      }
      items.resize(n_items);
      return ok_t{};
    }
    case field_type::structure:
      return struct_elements(t, f, b, len, depth, items);
  }
  return malformed("internal: unknown field type");
}

status decoder::numbers(const struct_type& t, const field& f, const byte* b, std::size_t len,
                        array& out) {
  out.clear();
  if (len <= 1) return ok_t{};  // empty, or a width byte alone
  std::size_t width = b[0];
  if (width == 4 && f.type == field_type::real) {
    return make_error(error_kind::quirk_rejected, where(t, f) + ": double array of width 4");
  }
  if (width != 4 && width != 8) return malformed(where(t, f) + ": array width must be 4 or 8");
  if ((len - 1) % width != 0)
    return malformed(where(t, f) + ": array length not a multiple of width");
  std::size_t n = (len - 1) / width;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const byte* e = b + 1 + i * width;
    if (f.type == field_type::real) {
      out.emplace_back(std::bit_cast<double>(read_u64(e)));
    } else {
      std::int64_t x = width == 4 ? static_cast<std::int32_t>(read_u32(e))
                                  : static_cast<std::int64_t>(read_u64(e));
      out.push_back(number(f, x));
    }
  }
  return ok_t{};
}

status decoder::struct_elements(const struct_type& t, const field& f, const byte* b,
                                std::size_t len, int depth, array& out) {
  const struct_type& elem = schema_.type_at(f.struct_index);
  std::size_t pos = 0;
  std::size_t n_items = 0;
  if (out.empty()) out.reserve(count_elements(b, len));
  while (pos < len) {
    if (len - pos < 4) return malformed(where(t, f) + ": element length truncated");
    std::size_t n = read_u32(b + pos);
    if (len - pos - 4 < n) return malformed(where(t, f) + ": element runs past the block");
    if (n_items == out.size()) out.emplace_back();
    auto r = decode_struct(elem, b + pos + 4, n, depth + 1, true, out[n_items++]);
    if (!r) return r.error();
    pos += 4 + n;
  }
  out.resize(n_items);
  return ok_t{};
}

// `*S(key)`: key -> element; `*S()`: key -> value. A later duplicate key wins.
status decoder::to_map(const struct_type& t, const field& f, array& elements, value& out) {
  const struct_type& elem = schema_.type_at(f.struct_index);
  const std::string& key_name = elem.fields[static_cast<std::size_t>(f.key_index)].name;
  map entries;
  entries.reserve(elements.size());
  for (auto& e : elements) {
    value* key = nullptr;
    value* val = nullptr;
    for (auto& [name, v] : e.fields()) {
      if (name == key_name) key = &v;
      if (f.pair_map && name == elem.fields[static_cast<std::size_t>(f.value_index)].name) val = &v;
    }
    if (!key)
      return make_error(error_kind::map_key, where(t, f) + ": map element without key " + key_name);
    if (f.pair_map) {
      // Stricter than the reference, which silently reuses the previous entry's field.
      if (!val) return make_error(error_kind::map_key, where(t, f) + ": map entry without value");
      entries.emplace_back(std::move(*key), std::move(*val));
    } else {
      value k = *key;
      entries.emplace_back(std::move(k), std::move(e));
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return key_less(a.first, b.first); });
  // Keep the last of each run of equal keys.
  map unique;
  unique.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size() && !key_less(entries[i].first, entries[i + 1].first)) continue;
    unique.push_back(std::move(entries[i]));
  }
  out.entries() = std::move(unique);
  return ok_t{};
}

}  // namespace

result<std::size_t> decode_to(const schema& s, const struct_type& t, std::string_view bytes,
                              value& out) {
  return decoder(s, false).decode_struct(t, reinterpret_cast<const unsigned char*>(bytes.data()),
                                         bytes.size(), 0, false, out);
}

result<std::size_t> decode_view_to(const schema& s, const struct_type& t, std::string_view bytes,
                                   value& out) {
  return decoder(s, true).decode_struct(t, reinterpret_cast<const unsigned char*>(bytes.data()),
                                        bytes.size(), 0, false, out);
}

result<decoded> decode(const schema& s, const struct_type& t, std::string_view bytes) {
  decoded d;
  auto r = decode_to(s, t, bytes, d.v);
  if (!r) return r.error();
  d.consumed = *r;
  return d;
}

result<decoded> decode(const schema& s, std::string_view type_name, std::string_view bytes) {
  const struct_type* t = s.find_type(type_name);
  if (!t) return make_error(error_kind::unknown_name, "unknown type " + std::string(type_name));
  return decode(s, *t, bytes);
}

}  // namespace stratus::sproto
