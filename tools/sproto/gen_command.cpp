// `stratus-sproto gen`: writes the generated header and source of a schema file.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "codegen.hpp"
#include "commands.hpp"
#include "sproto/parser.hpp"

namespace stratus::sproto::cli {
namespace {

// Writes `text` unless the file already holds it (keeps build tools from rebuilding).
bool write_if_changed(const std::string& path, const std::string& text, std::ostream& err) {
  {
    std::ifstream in(path, std::ios::binary);
    if (in && std::string(std::istreambuf_iterator<char>(in), {}) == text) return true;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    err << "stratus-sproto: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int gen(const std::string& schema_file, const std::string& ns, const std::string& header_out,
        const std::string& source_out, const std::string& include, std::ostream& err) {
  auto s = load_schema_file(schema_file);
  if (!s) {
    err << s.error().message << "\n";
    return 1;
  }
  codegen_options o;
  o.ns = ns;
  o.include = include.empty() ? std::filesystem::path(header_out).filename().string() : include;
  o.schema_name = std::filesystem::path(schema_file).filename().string();
  auto code = generate_cpp(**s, o);
  if (!code) {
    err << "stratus-sproto: " << schema_file << ": " << code.error().message << "\n";
    return 1;
  }
  bool ok = write_if_changed(header_out, code->header, err) &&
            write_if_changed(source_out, code->source, err);
  return ok ? 0 : 1;
}

}  // namespace stratus::sproto::cli
