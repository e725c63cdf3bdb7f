// The generated source: encode_message / decode_message of every type, with the tags spelled
// out, instantiated for std::string and std::string_view; and the type table.

#include <sstream>

#include "codegen.hpp"
#include "codegen_model.hpp"
#include "codegen_text.hpp"

namespace stratus::sproto::cli {
namespace {

// `&basic_E<String_>::name` for a field of the element struct of `f`.
std::string member_pointer(const codegen_model& m, const field& f, int index) {
  return "&" + m.template_name(f.struct_index) +
         "::" + codegen_model::member(m.element_field(f, index));
}

// The word of a present field (inline value or 0), as an expression.
std::string word_of(const field& f, std::size_t i, const std::string& v) {
  if (f.array) return "0";
  if (f.type == field_type::boolean) return "(" + v + " ? 4 : 2)";
  if (f.type == field_type::integer) {
    return std::string(gen_ns) + "integer_word(" + (f.is_decimal() ? "d" + std::to_string(i) : v) +
           ")";
  }
  return "0";
}

// Statement writing the data block of a present field, or "" for inline-only fields.
std::string block_of(const codegen_model& m, const field& f, std::size_t i, const std::string& v) {
  const std::string g = gen_ns;
  if (!f.array) {
    switch (f.type) {
      case field_type::integer: {
        const std::string x = f.is_decimal() ? "d" + std::to_string(i) : v;
        return "if (" + g + "integer_word(" + x + ") == 0) " + g + "put_integer(w, " + x + ");";
      }
      case field_type::boolean:
        return "";
      case field_type::real:
        return g + "put_double(w, " + v + ");";
      case field_type::string:
      case field_type::binary:
        return g + "put_bytes(w, " + v + ");";
      case field_type::structure:
        return "if (!" + g + "put_struct(w, " + v + ", depth)) return false;";
    }
  }
  switch (f.type) {
    case field_type::integer:
      if (f.is_decimal()) {
        return "if (!" + g + "put_decimals(w, " + v + ", " + codegen_model::scale_literal(f) +
               ")) return false;";
      }
      return g + "put_integers(w, " + v + ");";
    case field_type::boolean:
      return g + "put_booleans(w, " + v + ");";
    case field_type::real:
      return g + "put_doubles(w, " + v + ");";
    case field_type::string:
    case field_type::binary:
      return g + "put_strings(w, " + v + ");";
    case field_type::structure:
      if (f.pair_map) {
        return "if (!" + g + "put_pair_map(w, " + v + ", " + member_pointer(m, f, f.key_index) +
               ", " + member_pointer(m, f, f.value_index) + ", depth)) return false;";
      }
      if (f.is_map()) return "if (!" + g + "put_key_map(w, " + v + ", depth)) return false;";
      return "if (!" + g + "put_structs(w, " + v + ", depth)) return false;";
  }
  return "";
}

// Expression reading field `f` from `f` (a field_in) into the holder's storage `dst`.
std::string read_of(const codegen_model& m, const field& f, const std::string& dst) {
  const std::string g = gen_ns;
  const std::string scale = f.is_decimal() ? codegen_model::scale_literal(f) : "";
  if (!f.array) {
    switch (f.type) {
      case field_type::integer:
        return f.is_decimal() ? g + "read_decimal(f, " + dst + ", " + scale + ", cx)"
                              : g + "read_integer(f, " + dst + ", cx)";
      case field_type::boolean:
        return g + "read_boolean(f, " + dst + ", cx)";
      case field_type::real:
        return g + "read_double(f, " + dst + ", cx)";
      case field_type::string:
      case field_type::binary:
        return g + "read_bytes(f, " + dst + ", cx)";
      case field_type::structure:
        return g + "read_struct(f, " + dst + ", depth, cx)";
    }
  }
  switch (f.type) {
    case field_type::integer:
      return f.is_decimal() ? g + "read_decimals(f, " + dst + ", " + scale + ", cx)"
                            : g + "read_integers(f, " + dst + ", cx)";
    case field_type::boolean:
      return g + "read_booleans(f, " + dst + ", cx)";
    case field_type::real:
      return g + "read_doubles(f, " + dst + ", cx)";
    case field_type::string:
    case field_type::binary:
      return g + "read_strings(f, " + dst + ", cx)";
    case field_type::structure:
      if (f.pair_map) {
        return g + "read_pair_map(f, " + dst + ", " + member_pointer(m, f, f.key_index) + ", " +
               member_pointer(m, f, f.value_index) + ", depth, cx)";
      }
      if (f.is_map()) {
        return g + "read_key_map(f, " + dst + ", " + member_pointer(m, f, f.key_index) +
               ", depth, cx)";
      }
      return g + "read_structs(f, " + dst + ", depth, cx)";
  }
  return "false";
}

void write_encoder(const codegen_model& m, int index, std::ostream& out) {
  const struct_type& t = m.tables().type_at(index);
  out << "template <class " << string_param << ">\n"
      << "bool encode_message(const " << m.template_name(index) << "& m, " << gen_ns
      << "writer& w, int depth) {\n"
      << "  if (depth >= " << gen_ns << "max_depth) return false;\n"
      << "  " << gen_ns << "word_list<" << 2 * t.fields.size() << "> words;\n";
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    const field& f = t.fields[i];
    const std::string name = "m." + codegen_model::member(f);
    if (f.is_decimal() && !f.array) {
      out << "  std::int64_t d" << i << " = 0;\n"
          << "  if (" << name << " && !" << gen_ns << "scale_decimal(*" << name << ", "
          << codegen_model::scale_literal(f) << ", d" << i << ")) return false;\n";
    }
    out << "  if (" << name << ") words.add(" << f.tag << ", "
        << word_of(f, i, "*" + name) << ");\n";
  }
  out << "  words.write(w);\n";
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    const field& f = t.fields[i];
    const std::string name = "m." + codegen_model::member(f);
    const std::string block = block_of(m, f, i, "*" + name);
    if (!block.empty()) out << "  if (" << name << ") {\n    " << block << "\n  }\n";
  }
  out << "  return true;\n}\n\n";
}

void write_decoder(const codegen_model& m, int index, std::ostream& out) {
  const struct_type& t = m.tables().type_at(index);
  out << "template <class " << string_param << ">\n"
      << "bool decode_message(" << m.template_name(index)
      << "& m, const char* p, std::size_t size, int depth, bool exact,\n"
      << "                    std::size_t& used, " << gen_ns << "decode_context& cx) {\n"
      << "  " << gen_ns << "struct_reader r;\n"
      << "  if (!r.open(p, size, cx)) return false;\n";
  for (const auto& f : t.fields) out << "  m." << codegen_model::member(f) << ".reset();\n";
  out << "  [[maybe_unused]] const bool deep = depth >= " << gen_ns << "max_depth;\n"
      << "  " << gen_ns << "field_in f;\n"
      << "  for (int st; (st = r.next(f, cx)) != 0;) {\n"
      << "    if (st < 0) return false;\n";
  if (!t.fields.empty()) {
    out << "    bool ok = true;\n    switch (f.tag) {\n";
    for (const auto& f : t.fields) {
      out << "      case " << f.tag << ":\n"
          << "        if (deep) return cx.too_deep();\n"
          << "        ok = " << read_of(m, f, "m." + codegen_model::member(f) + ".emplace()")
          << ";\n        break;\n";
    }
    out << "      default:\n        break;\n    }\n    if (!ok) return false;\n";
  }
  out << "  }\n"
      << "  used = r.used();\n"
      << "  if (exact && used != size) return cx.malformed(\"nested struct has trailing bytes\");\n"
      << "  return true;\n}\n\n";
}

void write_instances(const codegen_model& m, int index, std::ostream& out) {
  for (const char* s : {"std::string", "std::string_view"}) {
    const std::string t = "basic_" + m.flat_name(index) + "<" + s + ">";
    out << "template bool encode_message(const " << t << "&, " << gen_ns << "writer&, int);\n"
        << "template bool decode_message(" << t << "&, const char*, std::size_t, int, bool,\n"
        << "                             std::size_t&, " << gen_ns << "decode_context&);\n";
  }
  out << "\n";
}

}  // namespace

std::string generate_source(const codegen_model& m, const codegen_options& o) {
  std::ostringstream out;
  const schema& s = m.tables();
  out << "// Generated by `stratus-sproto gen` from " << o.schema_name << ". Do not edit.\n"
      << "#include \"" << o.include << "\"\n\n"
      << "namespace " << o.ns << " {\n\n";
  for (std::size_t i = 0; i < s.types().size(); ++i) {
    write_encoder(m, static_cast<int>(i), out);
    write_decoder(m, static_cast<int>(i), out);
    write_instances(m, static_cast<int>(i), out);
  }
  out << "const std::vector<" << gen_ns << "type_entry>& type_table() {\n"
      << "  static const std::vector<" << gen_ns << "type_entry> table = {\n";
  for (std::size_t i = 0; i < s.types().size(); ++i) {
    const std::string flat = m.flat_name(static_cast<int>(i));
    out << "      {\"" << s.types()[i].name << "\", &" << gen_ns << "transcode<" << flat << ">, &"
        << gen_ns << "transcode<" << flat << "_view>},\n";
  }
  out << "  };\n  return table;\n}\n\n"
      << "}  // namespace " << o.ns << "\n";
  return out.str();
}

result<generated_code> generate_cpp(const schema& s, const codegen_options& options) {
  auto model = codegen_model::create(s);
  if (!model) return model.error();
  return generated_code{generate_header(*model, options), generate_source(*model, options)};
}

}  // namespace stratus::sproto::cli
