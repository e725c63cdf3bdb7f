#include "commands.hpp"

#include <iostream>
#include <iterator>
#include <sstream>

#include "sproto/codec.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::cli {
namespace {

using json = nlohmann::json;

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const char* type_name(const schema& s, const field& f) {
  static const char* names[] = {"integer", "boolean", "string", "binary", "double"};
  return f.type == field_type::structure ? s.type_at(f.struct_index).name.c_str()
                                         : names[static_cast<int>(f.type)];
}

int fail(std::ostream& err, const std::string& what) {
  err << "stratus-sproto: " << what << "\n";
  return 1;
}

}  // namespace

int check(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int rc = 0;
  for (const auto& f : files) {
    auto s = load_schema_file(f);
    if (!s) {
      err << s.error().message << "\n";
      rc = 1;
      continue;
    }
    out << f << ": ok (" << (*s)->types().size() << " types, " << (*s)->protocols().size()
        << " protocols)\n";
  }
  return rc;
}

int dump(const std::string& file, std::ostream& out, std::ostream& err) {
  auto s = load_schema_file(file);
  if (!s) return fail(err, s.error().message);
  const schema& sc = **s;
  for (const auto& t : sc.types()) {
    out << "." << t.name << " {\n";
    for (const auto& f : t.fields) {
      out << "  " << f.name << " " << f.tag << " : " << (f.array ? "*" : "") << type_name(sc, f);
      if (f.is_decimal()) out << "(" << f.decimal << ")";
      if (f.is_map()) {
        const auto& key = sc.type_at(f.struct_index).fields[static_cast<std::size_t>(f.key_index)];
        out << "(" << (f.pair_map ? "" : key.name) << ")";
      }
      out << "\n";
    }
    out << "}\n";
  }
  for (const auto& p : sc.protocols()) {
    out << p.name << " " << p.tag << " {";
    if (p.has_request()) out << " request " << sc.type_at(p.request).name;
    if (p.has_response()) out << " response " << sc.type_at(p.response).name;
    if (p.confirm) out << " response nil";
    out << " }\n";
  }
  return 0;
}

int encode(const std::string& file, const std::string& type, std::istream& in, std::ostream& out,
           std::ostream& err) {
  auto s = load_schema_file(file);
  if (!s) return fail(err, s.error().message);
  const struct_type* t = (*s)->find_type(type);
  if (!t) return fail(err, "unknown type " + type);
  json j = json::parse(read_all(in), nullptr, false);
  if (j.is_discarded()) return fail(err, "stdin is not valid JSON");
  auto v = value_from_json(**s, *t, j);
  if (!v) return fail(err, v.error().message);
  auto bytes = sproto::encode(**s, *t, *v);
  if (!bytes) return fail(err, bytes.error().message);
  out << to_hex(*bytes) << "\n";
  return 0;
}

int decode(const std::string& file, const std::string& type, std::istream& in, std::ostream& out,
           std::ostream& err) {
  auto s = load_schema_file(file);
  if (!s) return fail(err, s.error().message);
  const struct_type* t = (*s)->find_type(type);
  if (!t) return fail(err, "unknown type " + type);
  auto bytes = from_hex(read_all(in));
  if (!bytes) return fail(err, bytes.error().message);
  auto d = sproto::decode(**s, *t, *bytes);
  if (!d) return fail(err, d.error().message);
  out << value_to_json(**s, *t, d->v).dump() << "\n";
  if (d->consumed != bytes->size()) {
    err << "note: " << bytes->size() - d->consumed << " trailing bytes ignored\n";
  }
  return 0;
}

int pack(bool unpack, std::istream& in, std::ostream& out, std::ostream& err) {
  auto bytes = from_hex(read_all(in));
  if (!bytes) return fail(err, bytes.error().message);
  if (!unpack) {
    out << to_hex(sproto::pack(*bytes)) << "\n";
    return 0;
  }
  auto u = sproto::unpack(*bytes);
  if (!u) return fail(err, u.error().message);
  out << to_hex(*u) << "\n";
  return 0;
}

}  // namespace stratus::sproto::cli
