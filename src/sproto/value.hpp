#pragma once
// A dynamic value, shaped like the Lua tables the reference binding uses: nil, boolean, integer,
// double, byte string, array, object (field name -> value) and map (key -> value). A byte string
// is owned (std::string) or, only when a caller opts in (decode_view_to()), a view into bytes
// the caller keeps; a copy of a value holding views views the same bytes.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace stratus::sproto {

class value;
/// Elements of an array value, in order.
using array = std::vector<value>;
/// Fields of an object value, in insertion order (the decoder inserts in tag order).
using object = std::vector<std::pair<std::string, value>>;
/// Entries of a map value (`*S(key)` or `*S()` field), kept sorted by key.
using map = std::vector<std::pair<value, value>>;

/// Dynamic value used to build messages to encode and to read decoded ones.
class value {
 public:
  /// Which alternative a value holds.
  enum class kind : std::uint8_t { nil, boolean, integer, real, bytes, array, object, map };

  /// nil.
  value() = default;
  /// Boolean.
  value(bool b) : data_(b) {}
  /// Any integer type (stored as int64).
  template <std::integral I>
  requires(!std::same_as<I, bool>) value(I i) : data_(static_cast<std::int64_t>(i)) {}
  /// Double (also used for `integer(N)` decimals).
  value(double d) : data_(d) {}
  /// Byte string (string or binary fields).
  value(std::string s) : data_(std::move(s)) {}
  value(std::string_view s) : data_(std::string(s)) {}
  value(const char* s) : data_(std::string(s)) {}
  /// Array of values.
  value(sproto::array a) : data_(std::move(a)) {}
  /// Object (struct) value.
  value(sproto::object o) : data_(std::move(o)) {}
  /// Map value; entries are sorted by key on construction.
  value(sproto::map m);

  /// An empty object.
  static value make_object() { return value(sproto::object{}); }
  /// An empty array.
  static value make_array() { return value(sproto::array{}); }
  /// An empty map.
  static value make_map() { return value(sproto::map{}); }

  /// Alternative held (an owned byte string and a byte view are both kind::bytes).
  kind type() const {
    const std::size_t i = data_.index();
    return static_cast<kind>(i == view_index ? std::size_t{4} : i);
  }
  bool is_nil() const { return type() == kind::nil; }
  bool is_bool() const { return type() == kind::boolean; }
  bool is_int() const { return type() == kind::integer; }
  bool is_double() const { return type() == kind::real; }
  bool is_bytes() const { return type() == kind::bytes; }
  bool is_array() const { return type() == kind::array; }
  bool is_object() const { return type() == kind::object; }
  bool is_map() const { return type() == kind::map; }

  /// True for a byte string that views bytes it does not own (see decode_view_to()).
  bool is_bytes_view() const { return data_.index() == view_index; }

  /// Typed accessors; calling the wrong one is a bug (std::bad_variant_access). as_bytes()
  /// needs an owned string: a byte view has none (read it with bytes(), or call own_bytes()).
  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  double as_double() const { return std::get<double>(data_); }
  const std::string& as_bytes() const { return std::get<std::string>(data_); }
  std::string& as_bytes() { return std::get<std::string>(data_); }
  /// The bytes of a byte string, owned or viewed (std::bad_variant_access for other kinds).
  std::string_view bytes() const {
    if (const auto* s = std::get_if<std::string>(&data_)) return *s;
    return std::get<std::string_view>(data_);
  }
  /// Turns a byte view into an owned copy of its bytes (no-op for an owned string).
  void own_bytes() {
    if (const auto* v = std::get_if<std::string_view>(&data_)) {
      const std::string_view bytes = *v;
      data_.emplace<std::string>(bytes);
    }
  }
  /// Number as double (integer or double); 0 for other kinds.
  double to_double() const;

  /// Sets a boolean, integer or double in place (no temporary value moved in).
  void set(bool b) { set_scalar(b); }
  void set(std::int64_t i) { set_scalar(i); }
  void set(double d) { set_scalar(d); }
  /// Makes this a byte string holding [p, p + n), reusing its string storage when it holds one
  /// (no temporary value: decoders call this per field).
  void assign_bytes(const char* p, std::size_t n) {
    // emplace() without arguments: with (p, n), which may throw, libstdc++ builds a temporary
    // variant and move-assigns it.
    auto* s = std::get_if<std::string>(&data_);
    if (!s) s = &data_.emplace<std::string>();
    s->assign(p, n);
  }
  /// Makes this a byte view of [p, p + n): no copy; the caller keeps those bytes alive and
  /// unchanged while the value is read (decode_view_to() calls this per field).
  void assign_bytes_view(const char* p, std::size_t n) { data_.emplace<std::string_view>(p, n); }
  /// Makes this an empty object unless it already is one (whose fields are kept, for reuse).
  sproto::object& make_fields() {
    if (auto* o = std::get_if<sproto::object>(&data_)) return *o;
    return data_.emplace<sproto::object>();
  }

  /// Array elements (a nil value becomes an empty array first).
  sproto::array& items();
  const sproto::array& items() const { return std::get<sproto::array>(data_); }
  /// Object fields (a nil value becomes an empty object first).
  sproto::object& fields();
  const sproto::object& fields() const { return std::get<sproto::object>(data_); }
  /// Map entries (a nil value becomes an empty map first). Keep them sorted by key.
  sproto::map& entries();
  const sproto::map& entries() const { return std::get<sproto::map>(data_); }

  /// Object field access like Lua's `t.name`; inserts nil when missing (nil becomes an object).
  value& operator[](std::string_view name);
  /// Object field or a shared nil when missing or not an object.
  const value& operator[](std::string_view name) const;
  value& operator[](const char* name) { return (*this)[std::string_view(name)]; }
  const value& operator[](const char* name) const { return (*this)[std::string_view(name)]; }
  /// Object field, or nullptr when missing or not an object.
  const value* find(std::string_view name) const;
  /// Array element (no bounds check beyond std::vector's).
  value& operator[](std::size_t i) { return items()[i]; }
  const value& operator[](std::size_t i) const { return items()[i]; }
  /// Map lookup by key; nullptr when missing.
  const value* find_key(const value& key) const;
  /// Map insert or replace, keeping keys sorted.
  void set_key(value key, value v);
  /// Appends to an array (nil becomes an array).
  void push_back(value v) { items().push_back(std::move(v)); }
  /// Elements of an array, fields of an object, entries of a map, else 0.
  std::size_t size() const;

  /// Structural equality; doubles compare by bit pattern.
  friend bool operator==(const value& a, const value& b);

 private:
  template <class T>
  void set_scalar(T x) {
    if (auto* p = std::get_if<T>(&data_)) {
      *p = x;
    } else {
      data_.template emplace<T>(x);
    }
  }

  // The alternatives in kind order, then the byte view (kind::bytes too).
  static constexpr std::size_t view_index = 8;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, sproto::array,
               sproto::object, sproto::map, std::string_view>
      data_;
};

/// Key order of maps: integers numerically, byte strings byte-wise, false before true;
/// values of different kinds order by kind.
bool key_less(const value& a, const value& b);

}  // namespace stratus::sproto
