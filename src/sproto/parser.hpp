#pragma once
// Schema compiler: `.sproto` text -> immutable schema.

#include <string_view>

#include "sproto/result.hpp"
#include "sproto/schema.hpp"

namespace stratus::sproto {

/// Parses schema text. `source_name` appears in error messages ("file:line: problem").
result<schema_ptr> parse_schema(std::string_view text, std::string_view source_name = "=text");

/// Reads and parses a schema file.
result<schema_ptr> load_schema_file(const std::string& path);

/// Parses several texts as one schema (like the reference's parser given many files).
result<schema_ptr> parse_schemas(
    const std::vector<std::pair<std::string, std::string>>& named_texts);

}  // namespace stratus::sproto
