// Syntax of the schema language (spec section 2.1-2.2). Produces the syntax tree that
// schema_builder.cpp resolves. Separation of list items follows the reference grammar: a run
// of whitespace-separated items, optionally followed by a run of unseparated ones.

#include "sproto/parser.hpp"

#include <fstream>
#include <sstream>

#include "sproto/parser_ast.hpp"

namespace stratus::sproto {
namespace detail {
result<schema_ptr> build_schema(const std::vector<ast_file>& files);
}  // namespace detail

namespace {

using namespace detail;

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}

class syntax_parser {
 public:
  syntax_parser(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  bool parse(ast_file& out) {
    out.source = std::string(source_);
    bool ok = parse_items([&] { return peek() == '.' || is_alpha(peek()); },
                          [&] { return parse_definition(out); });
    if (ok && pos_ != text_.size()) return fail("unexpected text");
    return ok;
  }
  const std::string& message() const { return message_; }

 private:
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool fail(std::string_view what) {
    if (message_.empty()) {
      message_ = std::string(source_) + ":" + std::to_string(line_) +
                 ": syntax error: " + std::string(what);
    }
    return false;
  }
  // Skips whitespace and comments; returns how many characters were skipped.
  std::size_t skip_blank() {
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    return pos_ - start;
  }
  bool expect(char c, std::string_view what) {
    if (peek() != c) return fail(what);
    ++pos_;
    return true;
  }
  bool read_name(std::string& out) {
    if (!is_alpha(peek())) return fail("expected a name");
    std::size_t start = pos_;
    while (is_alnum(peek())) ++pos_;
    out.assign(text_.substr(start, pos_ - start));
    return true;
  }
  bool read_tag(std::int64_t& out) {
    if (!is_digit(peek())) return fail("expected a tag number");
    out = 0;
    while (is_digit(peek())) {
      if (out < 1000000000) out = out * 10 + (text_[pos_] - '0');  // saturates; checked later
      ++pos_;
    }
    return true;
  }
  bool read_type_ref(std::string& out) {
    if (!read_name(out)) return false;
    while (peek() == '.' && is_alpha(peek(1))) {
      ++pos_;
      std::string part;
      read_name(part);
      out += '.';
      out += part;
    }
    return true;
  }

  // list = _ (item __)* item* _   (the reference's "multipat")
  template <class Starts, class Item>
  bool parse_items(Starts starts, Item item) {
    skip_blank();
    bool separated = true;
    while (starts()) {
      if (!item()) return false;
      if (separated && skip_blank() == 0) separated = false;
    }
    skip_blank();
    return true;
  }

  bool parse_definition(ast_file& out) {
    if (peek() == '.') {
      out.types.emplace_back();
      return parse_type(out.types.back());
    }
    out.protocols.emplace_back();
    return parse_protocol(out.protocols.back());
  }

  // '.' name _ '{' members '}'
  bool parse_type(ast_type& t) {
    t.line = line_;
    ++pos_;  // '.'
    if (!read_name(t.name)) return false;
    skip_blank();
    return parse_struct_body(t);
  }

  bool parse_struct_body(ast_type& t) {
    if (!expect('{', "expected '{'")) return false;
    bool ok = parse_items([&] { return peek() == '.' || is_alpha(peek()); },
                          [&] {
                            if (peek() == '.') {
                              t.nested.emplace_back();
                              return parse_type(t.nested.back());
                            }
                            t.fields.emplace_back();
                            return parse_field(t.fields.back());
                          });
    return ok && expect('}', "expected '}' or a field");
  }

  // name __ tag _ ':' _ ['*'] typeref [ '(' _ name? _ ')' | '(' _ digits _ ')' ]
  bool parse_field(ast_field& f) {
    f.line = line_;
    if (!read_name(f.name)) return false;
    if (skip_blank() == 0) return fail("expected whitespace after field name " + f.name);
    if (!read_tag(f.tag)) return false;
    skip_blank();
    if (!expect(':', "expected ':' after the tag of field " + f.name)) return false;
    skip_blank();
    if (peek() == '*') {
      f.array = true;
      ++pos_;
    }
    if (!read_type_ref(f.type_ref)) return false;
    if (peek() != '(') return true;
    ++pos_;
    skip_blank();
    if (is_digit(peek())) {
      std::int64_t n = 0;
      read_tag(n);
      f.decimal = static_cast<int>(n);
    } else {
      std::string key;
      if (is_alpha(peek())) read_name(key);
      f.key = key;
    }
    skip_blank();
    return expect(')', "expected ')'");
  }

  // name __ tag _ '{' parts '}'
  bool parse_protocol(ast_protocol& p) {
    p.line = line_;
    if (!read_name(p.name)) return false;
    if (skip_blank() == 0) return fail("expected whitespace after protocol name " + p.name);
    if (!read_tag(p.tag)) return false;
    skip_blank();
    if (!expect('{', "expected '{' after protocol tag")) return false;
    bool ok = parse_items([&] { return is_alpha(peek()); },
                          [&] {
                            p.parts.emplace_back();
                            return parse_part(p.parts.back());
                          });
    return ok && expect('}', "expected '}' or request/response");
  }

  // ('request' | 'response') __ (typeref | 'nil' | '{' members '}')
  bool parse_part(ast_part& part) {
    part.line = line_;
    std::string word;
    read_name(word);
    if (word != "request" && word != "response") {
      return fail("expected request or response, got " + word);
    }
    part.request = word == "request";
    if (skip_blank() == 0) return fail("expected whitespace after " + word);
    if (peek() == '{') {
      part.shape = ast_part::form::inline_struct;
      part.body.line = line_;
      return parse_struct_body(part.body);
    }
    if (!read_type_ref(part.type_ref)) return false;
    if (part.type_ref == "nil") part.shape = ast_part::form::nil;
    return true;
  }

  std::string_view text_;
  std::string_view source_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::string message_;
};

}  // namespace

result<schema_ptr> parse_schemas(
    const std::vector<std::pair<std::string, std::string>>& named_texts) {
  std::vector<ast_file> files;
  for (const auto& [name, text] : named_texts) {
    syntax_parser p(text, name);
    files.emplace_back();
    if (!p.parse(files.back())) return make_error(error_kind::syntax, p.message());
  }
  return build_schema(files);
}

result<schema_ptr> parse_schema(std::string_view text, std::string_view source_name) {
  return parse_schemas({{std::string(source_name), std::string(text)}});
}

result<schema_ptr> load_schema_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(error_kind::schema, path + ": cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_schema(buf.str(), path);
}

}  // namespace stratus::sproto
