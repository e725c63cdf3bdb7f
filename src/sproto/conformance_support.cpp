#include "sproto/conformance_support.hpp"

#include <fstream>
#include <stdexcept>

#include "sproto/parser.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::testing {

std::string vectors_dir() {
  return STRATUS_SPROTO_VECTORS;
}

const std::vector<json>& records(const std::string& file) {
  static std::map<std::string, std::vector<json>> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  std::vector<json> out;
  std::ifstream in(vectors_dir() + "/" + file);
  if (!in) throw std::runtime_error("cannot open " + vectors_dir() + "/" + file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return cache.emplace(file, std::move(out)).first->second;
}

std::vector<json> records_of(const std::string& file, const std::string& category) {
  std::vector<json> out;
  for (const auto& r : records(file)) {
    if (r["category"] == category) out.push_back(r);
  }
  return out;
}

schema_ptr vector_schema(const std::string& name) {
  static std::map<std::string, schema_ptr> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  auto s = load_schema_file(vectors_dir() + "/schemas/" + name);
  if (!s) throw std::runtime_error(s.error().message);
  return cache.emplace(name, *s).first->second;
}

namespace {

bool bytes_of(const json& j, std::string& out) {
  if (j.is_string()) {
    out = j.get<std::string>();
    return true;
  }
  if (j.is_object() && j.size() == 1 && j.contains("$binary")) {
    auto b = from_hex(j["$binary"].get<std::string>());
    if (!b) return false;
    out = *b;
    return true;
  }
  return false;
}

}  // namespace

bool same_value(const json& a, const json& b) {
  if (a.is_object() && b.is_object() && a.contains("$bits") && b.contains("$bits")) {
    return a["$bits"] == b["$bits"];
  }
  std::string ba, bb;
  if (bytes_of(a, ba) && bytes_of(b, bb)) return ba == bb;
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k) || !same_value(v, b[k])) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_value(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

json schema_tables(const schema& s) {
  static const char* builtin_names[] = {"integer", "boolean", "string", "binary", "double"};
  json types = json::array();
  for (const auto& t : s.types()) {
    json fields = json::array();
    for (const auto& f : t.fields) {
      json jf = {{"name", f.name}, {"tag", f.tag}, {"array", f.array}};
      jf["type"] = f.type == field_type::structure ? s.type_at(f.struct_index).name
                                                   : builtin_names[static_cast<int>(f.type)];
      if (f.is_decimal()) jf["decimal"] = f.decimal;
      if (f.is_map()) {
        const struct_type& elem = s.type_at(f.struct_index);
        const field& key = elem.fields[static_cast<std::size_t>(f.key_index)];
        jf["key"] = key.name;
        jf["key_tag"] = key.tag;
        if (f.pair_map) {
          jf["map"] = true;
          jf["value"] = elem.fields[static_cast<std::size_t>(f.value_index)].name;
        }
      }
      fields.push_back(jf);
    }
    types.push_back({{"name", t.name}, {"fields", fields}});
  }
  json protocols = json::array();
  for (const auto& p : s.protocols()) {
    json jp = {{"name", p.name}, {"tag", p.tag}, {"confirm", p.confirm}};
    jp["request"] = p.has_request() ? json(s.type_at(p.request).name) : json(nullptr);
    jp["response"] = p.has_response() ? json(s.type_at(p.response).name) : json(nullptr);
    protocols.push_back(jp);
  }
  return {{"types", types}, {"protocols", protocols}};
}

std::map<std::string, std::string>& exercised() {
  static std::map<std::string, std::string> ids;
  return ids;
}

void mark(const json& record, const std::string& how) {
  exercised()[record["id"].get<std::string>()] = how;
}

}  // namespace stratus::sproto::testing
