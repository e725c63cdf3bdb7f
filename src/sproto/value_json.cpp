#include "sproto/value_json.hpp"

#include <bit>
#include <cmath>
#include <cstdio>

namespace stratus::sproto {
namespace {

using json = nlohmann::json;

error bad(std::string why) {
  return make_error(error_kind::bad_value, std::move(why));
}

result<value> scalar_from_json(const json& j) {
  if (j.is_null()) return value();
  if (j.is_boolean()) return value(j.get<bool>());
  if (j.is_number_integer()) return value(j.get<std::int64_t>());
  if (j.is_number_float()) return value(j.get<double>());
  if (j.is_string()) return value(j.get<std::string>());
  if (j.is_object() && j.contains("$bits")) {
    std::uint64_t bits = std::stoull(j["$bits"].get<std::string>(), nullptr, 16);
    return value(std::bit_cast<double>(bits));
  }
  if (j.is_object() && j.contains("$binary")) {
    auto b = from_hex(j["$binary"].get<std::string>());
    if (!b) return b.error();
    return value(std::move(*b));
  }
  return bad("unsupported JSON value " + j.dump());
}

result<value> generic_from_json(const json& j) {
  if (j.is_array()) {
    array a;
    for (const auto& e : j) {
      auto v = generic_from_json(e);
      if (!v) return v;
      a.push_back(std::move(*v));
    }
    return value(std::move(a));
  }
  if (j.is_object() && !j.contains("$bits") && !j.contains("$binary")) {
    object o;
    for (const auto& [k, e] : j.items()) {
      auto v = generic_from_json(e);
      if (!v) return v;
      o.emplace_back(k, std::move(*v));
    }
    return value(std::move(o));
  }
  return scalar_from_json(j);
}

result<value> field_from_json(const schema& s, const field& f, const json& j, bool element) {
  bool is_struct = f.type == field_type::structure;
  if (f.array && !element) {
    if (!j.is_array()) return generic_from_json(j);  // the encoder reports the wrong kind
    if (f.pair_map) {
      const struct_type& elem = s.type_at(f.struct_index);
      map m;
      for (const auto& pair : j) {
        if (!pair.is_array() || pair.size() != 2) return bad(f.name + ": map entry must be [k, v]");
        auto k =
            field_from_json(s, elem.fields[static_cast<std::size_t>(f.key_index)], pair[0], false);
        if (!k) return k;
        auto v = field_from_json(s, elem.fields[static_cast<std::size_t>(f.value_index)], pair[1],
                                 false);
        if (!v) return v;
        m.emplace_back(std::move(*k), std::move(*v));
      }
      return value(std::move(m));
    }
    array a;
    for (const auto& e : j) {
      auto v = field_from_json(s, f, e, true);
      if (!v) return v;
      a.push_back(std::move(*v));
    }
    return value(std::move(a));
  }
  if (is_struct && j.is_object()) return value_from_json(s, s.type_at(f.struct_index), j);
  return generic_from_json(j);
}

json field_to_json(const schema& s, const field& f, const value& v, bool element);

json scalar_to_json(const schema& s, const field& f, const value& v) {
  switch (v.type()) {
    case value::kind::boolean:
      return v.as_bool();
    case value::kind::integer:
      return v.as_int();
    case value::kind::real:
      return double_to_json(v.as_double());
    case value::kind::bytes:
      if (f.type == field_type::binary || !is_utf8(v.bytes())) {
        return json{{"$binary", to_hex(v.bytes())}};
      }
      return std::string(v.bytes());
    case value::kind::object:
      if (f.type == field_type::structure) return value_to_json(s, s.type_at(f.struct_index), v);
      return json::object();
    default:
      return nullptr;
  }
}

json field_to_json(const schema& s, const field& f, const value& v, bool element) {
  if (!f.array || element) return scalar_to_json(s, f, v);
  json out = json::array();
  if (v.is_map()) {
    const struct_type& elem = s.type_at(f.struct_index);
    for (const auto& [k, e] : v.entries()) {
      if (f.pair_map) {
        out.push_back(
            {field_to_json(s, elem.fields[static_cast<std::size_t>(f.key_index)], k, false),
             field_to_json(s, elem.fields[static_cast<std::size_t>(f.value_index)], e, false)});
      } else {
        out.push_back(value_to_json(s, elem, e));
      }
    }
  } else if (v.is_array()) {
    for (const auto& e : v.items()) out.push_back(field_to_json(s, f, e, true));
  }
  return out;
}

}  // namespace

result<value> value_from_json(const schema& s, const struct_type& t, const json& j) {
  if (!j.is_object()) return generic_from_json(j);
  object o;
  for (const auto& [k, e] : j.items()) {
    const field* f = t.find_field(k);
    auto v = f ? field_from_json(s, *f, e, false) : generic_from_json(e);
    if (!v) return v;
    o.emplace_back(k, std::move(*v));
  }
  return value(std::move(o));
}

json value_to_json(const schema& s, const struct_type& t, const value& v) {
  json out = json::object();
  if (!v.is_object()) return out;
  for (const auto& [k, e] : v.fields()) {
    const field* f = t.find_field(k);
    if (f && !e.is_nil()) out[k] = field_to_json(s, *f, e, false);
  }
  return out;
}

json double_to_json(double d) {
  char bits[17];
  std::snprintf(bits, sizeof bits, "%016llx",
                static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(d)));
  json number;
  if (std::isnan(d)) {
    number = "nan";
  } else if (std::isinf(d)) {
    number = d > 0 ? "inf" : "-inf";
  } else {
    number = d;
  }
  return json{{"$double", number}, {"$bits", bits}};
}

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

result<std::string> from_hex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return bad(std::string("not a hex digit: ") + c);
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<char>(high * 16 + d));
      high = -1;
    }
  }
  if (high >= 0) return bad("odd number of hex digits");
  return out;
}

bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
    if (n == 9 || s.size() - i - 1 < n) return false;
    std::uint32_t cp = n == 0 ? c : c & (0x3f >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Reject overlong forms, surrogates and code points above U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace stratus::sproto
