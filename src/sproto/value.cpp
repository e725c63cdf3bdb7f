#include "sproto/value.hpp"

#include <algorithm>
#include <bit>

namespace stratus::sproto {

namespace {
const value& nil_value() {
  static const value nil;
  return nil;
}
}  // namespace

value::value(sproto::map m) {
  std::stable_sort(m.begin(), m.end(),
                   [](const auto& a, const auto& b) { return key_less(a.first, b.first); });
  data_ = std::move(m);
}

double value::to_double() const {
  if (is_double()) return as_double();
  if (is_int()) return static_cast<double>(as_int());
  return 0.0;
}

sproto::array& value::items() {
  if (is_nil()) data_ = sproto::array{};
  return std::get<sproto::array>(data_);
}

sproto::object& value::fields() {
  if (is_nil()) data_ = sproto::object{};
  return std::get<sproto::object>(data_);
}

sproto::map& value::entries() {
  if (is_nil()) data_ = sproto::map{};
  return std::get<sproto::map>(data_);
}

value& value::operator[](std::string_view name) {
  auto& obj = fields();
  for (auto& [k, v] : obj) {
    if (k == name) return v;
  }
  obj.emplace_back(std::string(name), value{});
  return obj.back().second;
}

const value& value::operator[](std::string_view name) const {
  const value* v = find(name);
  return v ? *v : nil_value();
}

const value* value::find(std::string_view name) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : fields()) {
    if (k == name) return &v;
  }
  return nullptr;
}

const value* value::find_key(const value& key) const {
  if (!is_map()) return nullptr;
  const auto& m = entries();
  auto it = std::lower_bound(m.begin(), m.end(), key,
                             [](const auto& e, const value& k) { return key_less(e.first, k); });
  if (it != m.end() && !key_less(key, it->first)) return &it->second;
  return nullptr;
}

void value::set_key(value key, value v) {
  auto& m = entries();
  auto it = std::lower_bound(m.begin(), m.end(), key,
                             [](const auto& e, const value& k) { return key_less(e.first, k); });
  if (it != m.end() && !key_less(key, it->first)) {
    it->second = std::move(v);
  } else {
    m.emplace(it, std::move(key), std::move(v));
  }
}

std::size_t value::size() const {
  switch (type()) {
    case kind::array:
      return items().size();
    case kind::object:
      return fields().size();
    case kind::map:
      return entries().size();
    default:
      return 0;
  }
}

bool operator==(const value& a, const value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case value::kind::nil:
      return true;
    case value::kind::boolean:
      return a.as_bool() == b.as_bool();
    case value::kind::integer:
      return a.as_int() == b.as_int();
    case value::kind::real:
      return std::bit_cast<std::uint64_t>(a.as_double()) ==
             std::bit_cast<std::uint64_t>(b.as_double());
    case value::kind::bytes:
      return a.bytes() == b.bytes();
    case value::kind::array:
      return a.items() == b.items();
    case value::kind::map:
      return a.entries() == b.entries();
    case value::kind::object: {
      // Objects compare as sets of fields (order does not matter).
      if (a.fields().size() != b.fields().size()) return false;
      for (const auto& [k, v] : a.fields()) {
        const value* other = b.find(k);
        if (!other || !(*other == v)) return false;
      }
      return true;
    }
  }
  return false;
}

bool key_less(const value& a, const value& b) {
  if (a.type() != b.type()) return a.type() < b.type();
  switch (a.type()) {
    case value::kind::boolean:
      return !a.as_bool() && b.as_bool();
    case value::kind::integer:
      return a.as_int() < b.as_int();
    case value::kind::real:
      return a.as_double() < b.as_double();
    case value::kind::bytes:
      return a.bytes() < b.bytes();
    default:
      return false;
  }
}

}  // namespace stratus::sproto
