#pragma once
// Internal: syntax tree produced by the schema parser, before names are resolved.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stratus::sproto::detail {

/// `name tag : [*]type[(key)|(N)]`
struct ast_field {
  std::string name;
  std::int64_t tag = 0;
  bool array = false;
  std::string type_ref;
  std::optional<std::string> key;  ///< `(key)`; empty string for `()`
  int decimal = -1;                ///< `(N)`
  int line = 0;
};

/// `.name { members }`
struct ast_type {
  std::string name;
  std::vector<ast_field> fields;
  std::vector<ast_type> nested;
  int line = 0;
};

/// `request X` / `response X`
struct ast_part {
  bool request = true;
  enum class form { type_ref, inline_struct, nil } shape = form::type_ref;
  std::string type_ref;
  ast_type body;
  int line = 0;
};

/// `name tag { parts }`
struct ast_protocol {
  std::string name;
  std::int64_t tag = 0;
  std::vector<ast_part> parts;
  int line = 0;
};

/// One source text.
struct ast_file {
  std::string source;
  std::vector<ast_type> types;
  std::vector<ast_protocol> protocols;
};

}  // namespace stratus::sproto::detail
