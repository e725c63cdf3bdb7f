#pragma once
// A parsed, immutable sproto schema: struct types (sorted by full name) and protocols.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace stratus::sproto {

/// Element type of a field.
enum class field_type : std::uint8_t { integer, boolean, string, binary, real, structure };

/// One field of a struct type.
struct field {
  std::string name;                       ///< field name
  int tag = 0;                            ///< wire tag, 0..32766
  field_type type = field_type::integer;  ///< element type (`real` = double)
  bool array = false;                     ///< declared with `*`
  int decimal = -1;                       ///< N of `integer(N)`, -1 when not a decimal
  double scale = 1.0;                     ///< 10^N for decimals
  int struct_index = -1;  ///< index of the struct type in schema::types(), -1 for builtins
  int key_index = -1;     ///< map key field index in the element struct, -1 when not a map
  bool pair_map = false;  ///< `*S()`: two-field map
  int value_index = -1;   ///< `*S()`: index of the value field in the element struct

  /// True for `*S(key)` and `*S()` fields.
  bool is_map() const { return key_index >= 0; }
  /// True for `integer(N)`.
  bool is_decimal() const { return decimal >= 0; }
};

/// A struct type; fields are sorted by ascending tag.
struct struct_type {
  std::string name;           ///< full dotted name, e.g. `Outer.Inner`
  std::vector<field> fields;  ///< ascending tag order

  /// Field with this name, or nullptr.
  const field* find_field(std::string_view name) const;
  /// Index of the field with this tag in `fields`, or -1.
  int index_of_tag(int tag) const;
};

/// An RPC protocol.
struct protocol {
  std::string name;      ///< protocol name
  int tag = 0;           ///< protocol tag, 0..32766
  int request = -1;      ///< request type index, -1 when none
  int response = -1;     ///< response type index, -1 when none
  bool confirm = false;  ///< `response nil`: a reply exists but carries no content

  /// True when the protocol declares a request type.
  bool has_request() const { return request >= 0; }
  /// True when the protocol declares a response type (not `response nil`).
  bool has_response() const { return response >= 0; }
};

/// Immutable compiled schema; share it between threads as std::shared_ptr<const schema>.
class schema {
 public:
  /// Builds a schema from resolved tables (types sorted by name, protocols by tag).
  schema(std::vector<struct_type> types, std::vector<protocol> protocols);
  schema(const schema&) = delete;  // the lookup tables point into the vectors
  schema& operator=(const schema&) = delete;

  /// All struct types, sorted byte-wise by full name.
  const std::vector<struct_type>& types() const { return types_; }
  /// All protocols, sorted by tag.
  const std::vector<protocol>& protocols() const { return protocols_; }
  /// Type by full name, or nullptr.
  const struct_type* find_type(std::string_view name) const;
  /// Type by index (as stored in field::struct_index).
  const struct_type& type_at(int index) const { return types_[static_cast<std::size_t>(index)]; }
  /// Protocol by name, or nullptr.
  const protocol* find_protocol(std::string_view name) const;
  /// Protocol by tag, or nullptr.
  const protocol* find_protocol(std::int64_t tag) const;
  /// Request type of a protocol, or nullptr.
  const struct_type* request_type(const protocol& p) const;
  /// Response type of a protocol, or nullptr.
  const struct_type* response_type(const protocol& p) const;

 private:
  std::vector<struct_type> types_;
  std::vector<protocol> protocols_;
  std::unordered_map<std::string_view, int> type_by_name_;
  std::unordered_map<std::string_view, int> protocol_by_name_;
};

/// Shared handle to an immutable schema.
using schema_ptr = std::shared_ptr<const schema>;

}  // namespace stratus::sproto
