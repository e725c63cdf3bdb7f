// Encoder (spec 3.2-3.4): two passes per struct, the field words first, then the data blocks,
// written straight into one output buffer through gen::writer (nested lengths are patched in
// place).

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

#include "sproto/codec.hpp"
#include "sproto/gen/writer.hpp"
#include "sproto/wire.hpp"

namespace stratus::sproto {
namespace {

using detail::max_depth;
using detail::same_name;

constexpr std::int64_t int32_min = -2147483648LL;
constexpr std::int64_t int32_max = 2147483647LL;

// One present field of the struct being encoded.
struct present_field {
  const field* f;
  const value* v;
  std::int64_t number;  // integer or scaled decimal, for scalar integer fields
  std::uint16_t word;   // 0 = data block follows
};

class encoder {
 public:
  encoder(const schema& s, gen::writer& out) : schema_(s), out_(out) {}

  // Object source: finds fields by name, starting after the previous hit so that objects built
  // in tag order (as decoded ones are) cost one comparison per field.
  bool encode_object(const struct_type& t, const value& v, int depth) {
    if (!v.is_object()) return fail(t.name + " must be an object");
    const object& obj = v.fields();
    std::size_t cursor = 0;
    return encode_struct(t, depth, [&](std::size_t i) -> const value* {
      const std::string& name = t.fields[i].name;
      for (std::size_t k = 0; k < obj.size(); ++k) {
        std::size_t j = cursor + k < obj.size() ? cursor + k : cursor + k - obj.size();
        if (same_name(obj[j].first, name)) {
          cursor = j + 1;
          return &obj[j].second;
        }
      }
      return nullptr;
    });
  }

 private:
  // Internal steps return false on failure, with the reason here (built only then): a result
  // per field and per block measured as a large share of encoding a struct.
  bool fail(std::string why) { return fail(error_kind::bad_value, std::move(why)); }
  bool fail(error_kind kind, std::string why) {
    error_ = make_error(kind, std::move(why));
    return false;
  }

  // `lookup` by reference: a closure passed by value was stored field by field and copied with a
  // 16-byte load (a store-forwarding stall per struct).
  template <class Lookup>
  bool encode_struct(const struct_type& t, int depth, Lookup&& lookup) {
    if (depth >= max_depth) return fail(error_kind::too_deep, "The table is too deep");
    const std::size_t n = t.fields.size();
    present_field local[32];
    std::unique_ptr<present_field[]> heap;
    present_field* present = local;
    if (n > 32) {
      heap = std::make_unique<present_field[]>(n);
      present = heap.get();
    }
    // Pass 1: present fields and their words.
    std::size_t count = 0;
    std::size_t words = 0;
    int last = -1;
    for (std::size_t i = 0; i < n; ++i) {
      const value* v = lookup(i);
      if (!v || v->is_nil()) continue;
      present_field& p = present[count++];
      p = {&t.fields[i], v, 0, 0};
      if (!field_word(t, p)) return false;
      words += (p.f->tag - last > 1) ? 2 : 1;
      last = p.f->tag;
    }
    // Header: count, then the words with one skip word per gap.
    char* h = out_.reserve(2 + 2 * words);
    auto put16 = [&h](std::uint32_t v) {
      h[0] = static_cast<char>(v & 0xff);
      h[1] = static_cast<char>((v >> 8) & 0xff);
      h += 2;
    };
    put16(static_cast<std::uint32_t>(words));
    last = -1;
    for (std::size_t k = 0; k < count; ++k) {
      int gap = present[k].f->tag - last - 1;
      if (gap > 0) put16(static_cast<std::uint32_t>(2 * gap - 1));
      put16(present[k].word);
      last = present[k].f->tag;
    }
    out_.advance(2 + 2 * words);
    // Pass 2: data blocks in word order.
    for (std::size_t k = 0; k < count; ++k) {
      if (present[k].word != 0) continue;
      if (!write_block(t, present[k], depth)) return false;
    }
    return true;
  }

  static bool to_integer(const value& v, std::int64_t& out) {
    if (v.is_int()) {
      out = v.as_int();
      return true;
    }
    // An integral double converts exactly, as in the reference binding.
    if (v.is_double()) {
      double d = v.as_double();
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == std::trunc(d)) {
        out = static_cast<std::int64_t>(d);
        return true;
      }
    }
    return false;
  }

  // round_half_away_from_zero(x * 10^N), computed in binary64 (spec 3.4).
  static bool to_decimal(const field& f, const value& v, std::int64_t& out) {
    if (!v.is_int() && !v.is_double()) return false;
    double scaled = std::round(v.to_double() * f.scale);
    if (!(scaled >= -9223372036854775808.0 && scaled < 9223372036854775808.0)) return false;
    out = static_cast<std::int64_t>(scaled);
    return true;
  }

  // Inlined into encode_struct() (with write_block()): called per field, they measured as a
  // fifth of encoding a struct out of line.
  [[gnu::always_inline]] bool field_word(const struct_type& t, present_field& p) {
    const field& f = *p.f;
    if (f.array) return true;
    if (f.type == field_type::boolean) {
      if (!p.v->is_bool()) return fail(t.name + "." + f.name + " is not a boolean");
      p.word = p.v->as_bool() ? 4 : 2;
    } else if (f.type == field_type::integer) {
      bool good = f.is_decimal() ? to_decimal(f, *p.v, p.number) : to_integer(*p.v, p.number);
      if (!good) return fail(t.name + "." + f.name + " is not an integer (or is out of range)");
      if (p.number >= 0 && p.number <= 0x7ffe)
        p.word = static_cast<std::uint16_t>((p.number + 1) * 2);
    }
    return true;
  }

  std::size_t open_block() { return out_.open_block(); }
  void close_block(std::size_t at) { out_.close_block(at); }

  void put_integer(std::int64_t x) {
    if (x >= int32_min && x <= int32_max) {
      out_.put_u32(4);
      out_.put_u32(static_cast<std::uint32_t>(x));
    } else {
      out_.put_u32(8);
      out_.put_u64(static_cast<std::uint64_t>(x));
    }
  }

  [[gnu::always_inline]] bool write_block(const struct_type& t, const present_field& p, int depth) {
    const field& f = *p.f;
    if (f.array) return write_array(t, f, *p.v, depth);
    switch (f.type) {
      case field_type::integer:
        put_integer(p.number);
        return true;
      case field_type::real: {
        if (!p.v->is_double() && !p.v->is_int())
          return fail(t.name + "." + f.name + " is not a number");
        out_.put_u32(8);
        out_.put_u64(std::bit_cast<std::uint64_t>(p.v->to_double()));
        return true;
      }
      case field_type::string:
      case field_type::binary: {
        if (!p.v->is_bytes()) return fail(t.name + "." + f.name + " is not a string");
        const std::string_view s = p.v->bytes();
        out_.put_u32(static_cast<std::uint32_t>(s.size()));
        out_.append(s.data(), s.size());
        return true;
      }
      case field_type::structure: {
        std::size_t at = open_block();
        if (!encode_object(schema_.type_at(f.struct_index), *p.v, depth + 1)) return false;
        close_block(at);
        return true;
      }
      case field_type::boolean:
        break;
    }
    return fail("internal: unexpected data block");
  }

  bool write_array(const struct_type& t, const field& f, const value& v, int depth);
  bool write_numbers(const struct_type& t, const field& f, const array& items);
  bool write_map(const field& f, const map& entries, int depth);

  const schema& schema_;
  gen::writer& out_;
  error error_{error_kind::bad_value, {}};

 public:
  /// Why the last step failed.
  error& failure() { return error_; }
};

bool encoder::write_array(const struct_type& t, const field& f, const value& v, int depth) {
  std::size_t at = open_block();
  if (v.is_map() && f.is_map()) {
    if (!write_map(f, v.entries(), depth)) return false;
    close_block(at);
    return true;
  }
  if (!v.is_array()) return fail(t.name + "." + f.name + " is not an array");
  const array& items = v.items();
  switch (f.type) {
    case field_type::integer:
    case field_type::real:
      if (!write_numbers(t, f, items)) return false;
      break;
    case field_type::boolean:
      for (const auto& e : items) {
        if (!e.is_bool()) return fail(t.name + "." + f.name + "[] is not a boolean");
        out_.push(e.as_bool() ? '\1' : '\0');
      }
      break;
    case field_type::string:
    case field_type::binary:
      for (const auto& e : items) {
        if (!e.is_bytes()) return fail(t.name + "." + f.name + "[] is not a string");
        const std::string_view bytes = e.bytes();
        out_.put_u32(static_cast<std::uint32_t>(bytes.size()));
        out_.append(bytes.data(), bytes.size());
      }
      break;
    case field_type::structure: {
      const struct_type& elem = schema_.type_at(f.struct_index);
      for (const auto& e : items) {
        std::size_t el = open_block();
        if (!encode_object(elem, e, depth + 1)) return false;
        close_block(el);
      }
      break;
    }
  }
  close_block(at);
  return true;
}

bool encoder::write_numbers(const struct_type& t, const field& f, const array& items) {
  if (items.empty()) return true;
  if (f.type == field_type::real) {
    out_.push('\x08');
    for (const auto& e : items) {
      if (!e.is_double() && !e.is_int()) return fail(t.name + "." + f.name + "[] is not a number");
      out_.put_u64(std::bit_cast<std::uint64_t>(e.to_double()));
    }
    return true;
  }
  // Integers: width 8 if any element needs it, else 4.
  bool wide = false;
  for (const auto& e : items) {
    std::int64_t x = 0;
    bool good = f.is_decimal() ? to_decimal(f, e, x) : to_integer(e, x);
    if (!good) return fail(t.name + "." + f.name + "[] is not an integer (or is out of range)");
    wide = wide || x < int32_min || x > int32_max;
  }
  out_.push(wide ? '\x08' : '\x04');
  for (const auto& e : items) {
    std::int64_t x = 0;
    if (f.is_decimal()) {
      to_decimal(f, e, x);
    } else {
      to_integer(e, x);
    }
    if (wide) {
      out_.put_u64(static_cast<std::uint64_t>(x));
    } else {
      out_.put_u32(static_cast<std::uint32_t>(x));
    }
  }
  return true;
}

bool encoder::write_map(const field& f, const map& entries, int depth) {
  const struct_type& elem = schema_.type_at(f.struct_index);
  for (const auto& entry : entries) {
    const value& key = entry.first;  // named (not a structured binding) for the lambda below
    const value& val = entry.second;
    std::size_t el = open_block();
    bool good = true;
    if (f.pair_map) {
      // `*S()`: the entry becomes an S with the key in the lower-tag field.
      good = encode_struct(elem, depth + 1, [&](std::size_t i) -> const value* {
        if (static_cast<int>(i) == f.key_index) return &key;
        if (static_cast<int>(i) == f.value_index) return &val;
        return nullptr;
      });
    } else {
      good = encode_object(elem, val, depth + 1);
    }
    if (!good) return false;
    close_block(el);
  }
  return true;
}

}  // namespace

status encode_to(const schema& s, const struct_type& t, const value& v, gen::writer& out) {
  const std::size_t start = out.pos();
  encoder e(s, out);
  if (e.encode_object(t, v, 0)) return ok_t{};
  out.rewind(start);
  return std::move(e.failure());
}

status encode_to(const schema& s, const struct_type& t, const value& v, std::string& out) {
  gen::writer w(out);
  return encode_to(s, t, v, w);
}

result<std::string> encode(const schema& s, const struct_type& t, const value& v) {
  std::string out;
  out.reserve(64);
  if (auto st = encode_to(s, t, v, out); !st) return st.error();
  return out;
}

result<std::string> encode(const schema& s, std::string_view type_name, const value& v) {
  const struct_type* t = s.find_type(type_name);
  if (!t) return make_error(error_kind::unknown_name, "unknown type " + std::string(type_name));
  return encode(s, *t, v);
}

}  // namespace stratus::sproto
