#pragma once
// What the C++ generator needs to know about a schema beyond its tables: C++ names of types,
// fields and protocols, the C++ type of each field, and which struct fields must be boxed.

#include <string>
#include <vector>

#include "sproto/result.hpp"
#include "sproto/schema.hpp"

namespace stratus::sproto::cli {

/// Name of the string type parameter of every generated struct template.
inline constexpr const char* string_param = "String_";
/// Qualified prefix of the generated-code runtime.
inline constexpr const char* gen_ns = "::stratus::sproto::gen::";

/// C++ naming and layout decisions for one schema.
class codegen_model {
 public:
  /// Checks that every name maps to a distinct C++ identifier.
  static result<codegen_model> create(const schema& s);

  /// The schema.
  const schema& tables() const { return *schema_; }
  /// `Outer.Inner` -> `Outer_Inner`.
  const std::string& flat_name(int type) const { return flat_[static_cast<std::size_t>(type)]; }
  /// `basic_Outer_Inner<String_>`.
  std::string template_name(int type) const;
  /// Member name of a field (keywords get a trailing underscore).
  static std::string member(const field& f);
  /// Protocol struct name (keywords get a trailing underscore).
  static std::string protocol_name(const protocol& p);
  /// C++ type of one element of the field (the field itself when not an array).
  std::string element_type(const field& f) const;
  /// C++ type of the field's value (vector or map for arrays).
  std::string value_type(const field& f) const;
  /// Holder: `maybe<value_type>` or `boxed<...>`.
  std::string holder_type(const field& f, int owner) const;
  /// True when the field's struct type contains `owner` by value (directly or not).
  bool is_boxed(const field& f, int owner) const;
  /// `1e2` for integer(2).
  static std::string scale_literal(const field& f);
  /// The field of the element struct at `index`.
  const field& element_field(const field& f, int index) const;

 private:
  explicit codegen_model(const schema& s) : schema_(&s) {}
  bool reaches(int from, int to) const;

  const schema* schema_;
  std::vector<std::string> flat_;
};

/// Escapes a C++ keyword by appending `_`.
std::string cpp_identifier(const std::string& name);

}  // namespace stratus::sproto::cli
