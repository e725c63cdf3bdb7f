// Semantics of the schema language (spec sections 2.3-2.5): full names, name resolution,
// duplicate and range checks, map keys, and the final sorted tables.

#include <algorithm>
#include <map>
#include <set>

#include "sproto/parser_ast.hpp"
#include "sproto/result.hpp"
#include "sproto/schema.hpp"

namespace stratus::sproto::detail {
namespace {

constexpr std::int64_t max_tag = 32766;  // the reference stores (tag + 1) * 2 in 16 bits
constexpr int max_decimal = 18;          // 10^N must stay exact and fit int64

struct flat_type {
  std::string full_name;
  const ast_type* ast = nullptr;
  std::string source;
};

bool builtin(std::string_view name, field_type& out) {
  if (name == "integer") {
    out = field_type::integer;
  } else if (name == "boolean") {
    out = field_type::boolean;
  } else if (name == "string") {
    out = field_type::string;
  } else if (name == "binary") {
    out = field_type::binary;
  } else if (name == "double") {
    out = field_type::real;
  } else {
    return false;
  }
  return true;
}

class builder {
 public:
  result<schema_ptr> run(const std::vector<ast_file>& files) {
    for (const auto& file : files) {
      for (const auto& t : file.types) {
        if (!collect(t, "", file.source)) return failure();
      }
      for (const auto& p : file.protocols) {
        for (const auto& part : p.parts) {
          if (part.shape != ast_part::form::inline_struct) continue;
          std::string name = p.name + (part.request ? ".request" : ".response");
          if (!collect_named(part.body, name, file.source)) return failure();
        }
      }
    }
    bool any_protocol = false;
    for (const auto& file : files) any_protocol = any_protocol || !file.protocols.empty();
    if (any_protocol && flat_.empty()) {
      error_ = files.front().source + ": a schema with protocols needs at least one type";
      return failure();
    }
    // Types sorted byte-wise by full name; std::map orders std::string that way.
    int index = 0;
    for (auto& [name, t] : flat_) index_[name] = index++;
    std::vector<struct_type> types;
    for (auto& [name, t] : flat_) {
      types.emplace_back();
      if (!build_type(t, types.back())) return failure();
    }
    if (!resolve_maps(types)) return failure();
    std::vector<protocol> protocols;
    for (const auto& file : files) {
      for (const auto& p : file.protocols) {
        if (!build_protocol(p, file.source, protocols)) return failure();
      }
    }
    std::sort(protocols.begin(), protocols.end(),
              [](const protocol& a, const protocol& b) { return a.tag < b.tag; });
    return std::make_shared<const schema>(std::move(types), std::move(protocols));
  }

 private:
  error failure() { return make_error(error_kind::schema, error_); }
  bool fail(const std::string& source, int line, const std::string& what) {
    error_ = source + ":" + std::to_string(line) + ": " + what;
    return false;
  }

  bool collect(const ast_type& t, const std::string& prefix, const std::string& source) {
    return collect_named(t, prefix.empty() ? t.name : prefix + "." + t.name, source);
  }
  bool collect_named(const ast_type& t, const std::string& name, const std::string& source) {
    if (flat_.count(name)) return fail(source, t.line, "redefined type " + name);
    flat_[name] = flat_type{name, &t, source};
    for (const auto& n : t.nested) {
      if (!collect(n, name, source)) return false;
    }
    return true;
  }

  // Search P.R, then drop the last component of P, ..., then R (spec 2.4).
  int resolve(const std::string& scope, const std::string& ref) const {
    std::string p = scope;
    while (true) {
      std::string candidate = p.empty() ? ref : p + "." + ref;
      auto it = index_.find(candidate);
      if (it != index_.end()) return it->second;
      if (p.empty()) return -1;
      auto dot = p.rfind('.');
      p = dot == std::string::npos ? std::string() : p.substr(0, dot);
    }
  }

  bool build_type(const flat_type& t, struct_type& out) {
    out.name = t.full_name;
    std::set<std::string> names;
    std::set<std::int64_t> tags;
    for (const auto& af : t.ast->fields) {
      const std::string& src = t.source;
      if (!names.insert(af.name).second) {
        return fail(src, af.line, "redefine " + af.name + " in type " + out.name);
      }
      if (!tags.insert(af.tag).second) {
        return fail(src, af.line,
                    "redefine tag " + std::to_string(af.tag) + " in type " + out.name);
      }
      if (af.tag > max_tag) {
        return fail(src, af.line,
                    "tag " + std::to_string(af.tag) + " of " + out.name + "." + af.name +
                        " is larger than 32766");
      }
      field f;
      f.name = af.name;
      f.tag = static_cast<int>(af.tag);
      f.array = af.array;
      if (!builtin(af.type_ref, f.type)) {
        f.type = field_type::structure;
        f.struct_index = resolve(out.name, af.type_ref);
        if (f.struct_index < 0) {
          return fail(src, af.line, "Undefined type " + af.type_ref + " in type " + out.name);
        }
      }
      if (af.decimal >= 0) {
        if (f.type != field_type::integer) {
          return fail(src, af.line,
                      "decimal precision (" + std::to_string(af.decimal) +
                          ") on non-integer field " + out.name + "." + af.name);
        }
        if (af.decimal > max_decimal) {
          return fail(src, af.line,
                      "decimal precision of " + out.name + "." + af.name + " is larger than 18");
        }
        f.decimal = af.decimal;
        for (int i = 0; i < af.decimal; ++i) f.scale *= 10.0;
      }
      if (af.key && af.array && f.type != field_type::structure) {
        return fail(src, af.line,
                    "map key (" + *af.key + ") on array of builtin type " + af.type_ref + " in " +
                        out.name + "." + af.name);
      }
      // A key on a non-array field is dropped, as the reference does.
      if (af.key && af.array) keys_[{out.name, af.name}] = {*af.key, src, af.line};
      out.fields.push_back(std::move(f));
    }
    std::sort(out.fields.begin(), out.fields.end(),
              [](const field& a, const field& b) { return a.tag < b.tag; });
    return true;
  }

  struct key_decl {
    std::string key;
    std::string source;
    int line;
  };

  bool resolve_maps(std::vector<struct_type>& types) {
    for (auto& t : types) {
      for (auto& f : t.fields) {
        auto it = keys_.find({t.name, f.name});
        if (it == keys_.end()) continue;
        const key_decl& k = it->second;
        const struct_type& elem = types[static_cast<std::size_t>(f.struct_index)];
        int key_index = -1;
        if (k.key.empty()) {
          if (elem.fields.size() != 2) {
            return fail(k.source, k.line,
                        "Invalid map definition: " + f.name + ", must only have two fields");
          }
          key_index = 0;  // lower tag; fields are sorted
          f.pair_map = true;
          f.value_index = 1;
        } else {
          for (std::size_t i = 0; i < elem.fields.size(); ++i) {
            if (elem.fields[i].name == k.key) key_index = static_cast<int>(i);
          }
        }
        if (key_index < 0) return fail(k.source, k.line, "Invalid map index :" + k.key);
        const field& kf = elem.fields[static_cast<std::size_t>(key_index)];
        if (kf.type == field_type::structure || kf.array) {
          return fail(
              k.source, k.line,
              "Invalid map index :" + kf.name + " (the key must be a builtin, non-array field)");
        }
        f.key_index = key_index;
      }
    }
    return true;
  }

  bool build_protocol(const ast_protocol& p, const std::string& src, std::vector<protocol>& out) {
    if (p.tag > max_tag) {
      return fail(
          src, p.line,
          "protocol tag " + std::to_string(p.tag) + " of " + p.name + " is larger than 32766");
    }
    for (const auto& other : out) {
      if (other.name == p.name) return fail(src, p.line, "redefined protocol " + p.name);
      if (other.tag == p.tag) {
        return fail(src, p.line,
                    "redefined protocol tag " + std::to_string(p.tag) + " at " + p.name);
      }
    }
    protocol proto;
    proto.name = p.name;
    proto.tag = static_cast<int>(p.tag);
    bool seen[2] = {false, false};
    for (const auto& part : p.parts) {
      const char* which = part.request ? "request" : "response";
      if (seen[part.request ? 0 : 1]) {
        return fail(src, part.line, std::string("redefine ") + which + " in protocol " + p.name);
      }
      seen[part.request ? 0 : 1] = true;
      int index = -1;
      if (part.shape == ast_part::form::nil) {
        if (!part.request) proto.confirm = true;
        continue;
      }
      std::string name =
          part.shape == ast_part::form::inline_struct ? p.name + "." + which : part.type_ref;
      auto it = index_.find(name);
      if (it == index_.end()) {
        return fail(src, part.line,
                    std::string("Undefined ") + which + " type " + name + " in protocol " + p.name);
      }
      index = it->second;
      (part.request ? proto.request : proto.response) = index;
    }
    out.push_back(std::move(proto));
    return true;
  }

  std::map<std::string, flat_type> flat_;
  std::map<std::string, int> index_;
  std::map<std::pair<std::string, std::string>, key_decl> keys_;
  std::string error_;
};

}  // namespace

/// Resolves and checks parsed files into a schema.
result<schema_ptr> build_schema(const std::vector<ast_file>& files) {
  return builder().run(files);
}

}  // namespace stratus::sproto::detail
