#pragma once
// Test support for the conformance runner: loading vector files and schemas, comparing values
// by the rules of shared/sproto-vectors/README.md.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sproto/schema.hpp"

namespace stratus::sproto::testing {

using json = nlohmann::json;

/// Directory of the vectors (compile definition STRATUS_SPROTO_VECTORS).
std::string vectors_dir();

/// All records of `<vectors_dir>/<file>` (one JSON value per line; integers stay exact).
const std::vector<json>& records(const std::string& file);

/// Records of `file` whose category is `category`.
std::vector<json> records_of(const std::string& file, const std::string& category);

/// The parsed schema `schemas/<name>` (cached; fails the test when it does not parse).
schema_ptr vector_schema(const std::string& name);

/// Equality by the README rules: objects as maps, arrays in order, doubles by `$bits`,
/// byte strings by their bytes whether written as a JSON string or `{"$binary": hex}`.
bool same_value(const json& a, const json& b);

/// The resolved tables of a schema in the `types` / `protocols` form of schemas.jsonl.
json schema_tables(const schema& s);

/// Number of records each test function exercised, keyed by id (to check coverage).
std::map<std::string, std::string>& exercised();

/// Marks a record as exercised (`how`: "checked" or "skipped: reason").
void mark(const json& record, const std::string& how = "checked");

}  // namespace stratus::sproto::testing
