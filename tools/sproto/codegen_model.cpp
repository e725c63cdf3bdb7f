#include "codegen_model.hpp"

#include <set>

namespace stratus::sproto::cli {
namespace {

const std::set<std::string>& keywords() {
  static const std::set<std::string> k = {
      "alignas",   "alignof",      "and",        "and_eq",    "asm",          "auto",
      "bitand",    "bitor",        "bool",       "break",     "case",         "catch",
      "char",      "char8_t",      "char16_t",   "char32_t",  "class",        "compl",
      "concept",   "const",        "consteval",  "constexpr", "constinit",    "const_cast",
      "continue",  "co_await",     "co_return",  "co_yield",  "decltype",     "default",
      "delete",    "do",           "double",     "dynamic_cast", "else",      "enum",
      "explicit",  "export",       "extern",     "false",     "float",        "for",
      "friend",    "goto",         "if",         "inline",    "int",          "long",
      "mutable",   "namespace",    "new",        "noexcept",  "not",          "not_eq",
      "nullptr",   "operator",     "or",         "or_eq",     "private",      "protected",
      "public",    "register",     "reinterpret_cast", "requires", "return",  "short",
      "signed",    "sizeof",       "static",     "static_assert", "static_cast", "struct",
      "switch",    "template",     "this",       "thread_local", "throw",     "true",
      "try",       "typedef",      "typeid",     "typename",  "union",        "unsigned",
      "using",     "virtual",      "void",       "volatile",  "wchar_t",      "while",
      "xor",       "xor_eq",       "String_"};
  return k;
}

}  // namespace

std::string cpp_identifier(const std::string& name) {
  return keywords().count(name) ? name + "_" : name;
}

result<codegen_model> codegen_model::create(const schema& s) {
  codegen_model m(s);
  // Names the generated namespace uses itself.
  std::set<std::string> seen = {"protocol", "type_table", "visit_request", "visit_response",
                                "encode_message", "decode_message"};
  for (const auto& t : s.types()) {
    std::string flat = t.name;
    for (auto& c : flat)
      if (c == '.') c = '_';
    if (!seen.insert(flat).second || !seen.insert(flat + "_view").second) {
      return make_error(error_kind::schema,
                        "type " + t.name + " maps to the C++ name " + flat + ", already taken");
    }
    m.flat_.push_back(std::move(flat));
  }
  return m;
}

std::string codegen_model::template_name(int type) const {
  return "basic_" + flat_name(type) + "<" + string_param + ">";
}

std::string codegen_model::member(const field& f) {
  return cpp_identifier(f.name);
}

std::string codegen_model::protocol_name(const protocol& p) {
  return cpp_identifier(p.name);
}

std::string codegen_model::element_type(const field& f) const {
  switch (f.type) {
    case field_type::integer:
      return f.is_decimal() ? "double" : "std::int64_t";
    case field_type::boolean:
      return "bool";
    case field_type::real:
      return "double";
    case field_type::string:
    case field_type::binary:
      return string_param;
    case field_type::structure:
      return template_name(f.struct_index);
  }
  return "void";
}

const field& codegen_model::element_field(const field& f, int index) const {
  return schema_->type_at(f.struct_index).fields[static_cast<std::size_t>(index)];
}

std::string codegen_model::value_type(const field& f) const {
  if (!f.array) return element_type(f);
  if (f.is_map()) {
    const std::string key = element_type(element_field(f, f.key_index));
    const std::string val =
        f.pair_map ? value_type(element_field(f, f.value_index)) : element_type(f);
    return "std::map<" + key + ", " + val + ">";
  }
  return "std::vector<" + element_type(f) + ">";
}

bool codegen_model::reaches(int from, int to) const {
  std::vector<int> stack = {from};
  std::set<int> seen;
  while (!stack.empty()) {
    int t = stack.back();
    stack.pop_back();
    if (t == to) return true;
    if (!seen.insert(t).second) continue;
    for (const auto& f : schema_->type_at(t).fields) {
      if (f.type == field_type::structure && !f.array) stack.push_back(f.struct_index);
    }
  }
  return false;
}

bool codegen_model::is_boxed(const field& f, int owner) const {
  return f.type == field_type::structure && !f.array && reaches(f.struct_index, owner);
}

std::string codegen_model::holder_type(const field& f, int owner) const {
  return std::string(gen_ns) + (is_boxed(f, owner) ? "boxed<" : "maybe<") + value_type(f) + ">";
}

std::string codegen_model::scale_literal(const field& f) {
  return "1e" + std::to_string(f.decimal);
}

}  // namespace stratus::sproto::cli
