#include "backend/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace stratus::backend {
namespace {

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

// Parts of a migration file name: NNNN_name[.engine].sql.
struct parsed_name {
  std::int64_t version = 0;
  std::string engine;  // empty: every engine
};

std::optional<parsed_name> parse_name(std::string_view name) {
  constexpr std::string_view suffix = ".sql";
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  name.remove_suffix(suffix.size());
  parsed_name out;
  for (std::string_view engine : {"sqlite", "mysql"}) {
    std::string tagged = ".";
    tagged += engine;  // not "." + ...: GCC 12 warns falsely (-Wrestrict)
    if (name.ends_with(tagged)) {
      out.engine = engine;
      name.remove_suffix(tagged.size());
      break;
    }
  }
  std::size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits > 18 || digits + 1 >= name.size() || name[digits] != '_') {
    return std::nullopt;
  }
  for (char c : name.substr(digits + 1)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return std::nullopt;
  }
  out.version = std::stoll(std::string(name.substr(0, digits)));
  return out;
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

}  // namespace

result<std::vector<migration_file>> list_migrations(const std::filesystem::path& dir,
                                                    std::string_view engine) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return fail(error_code::bad_request, "cannot read " + dir.string() + ": " + ec.message());
  std::map<std::int64_t, std::filesystem::path> chosen;
  for (const auto& entry : it) {
    auto name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    auto parsed = parse_name(name);
    if (!parsed) {
      return fail(error_code::bad_request,
                  "migration file " + name + " does not match NNNN_name[.sqlite|.mysql].sql");
    }
    if (!parsed->engine.empty() && parsed->engine != engine) continue;
    auto [pos, inserted] = chosen.emplace(parsed->version, entry.path());
    if (!inserted) {
      return fail(error_code::bad_request, "two migrations with version " +
                                               std::to_string(parsed->version) + ": " +
                                               pos->second.filename().string() + " and " + name);
    }
  }
  std::vector<migration_file> out;
  for (auto& [version, path] : chosen) out.push_back({version, path});
  return out;
}

std::vector<std::string> split_sql_statements(std::string_view script) {
  std::vector<std::string> out;
  std::string current;
  std::size_t i = 0;
  auto flush = [&] {
    if (!blank(current)) out.push_back(current);
    current.clear();
  };
  while (i < script.size()) {
    char c = script[i];
    if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') ++i;  // line comment
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      auto end = script.find("*/", i + 2);
      i = end == std::string_view::npos ? script.size() : end + 2;  // block comment
      current += ' ';
    } else if (c == '\'' || c == '"' || c == '`') {
      current += c;  // quoted text: copy through to the matching quote
      ++i;
      while (i < script.size()) {
        current += script[i];
        if (script[i] == '\\' && c != '`' && i + 1 < script.size()) {
          current += script[++i];
        } else if (script[i] == c) {
          break;
        }
        ++i;
      }
      ++i;
    } else if (c == ';') {
      flush();
      ++i;
    } else {
      current += c;
      ++i;
    }
  }
  flush();
  for (auto& s : out) {
    auto first = s.find_first_not_of(" \t\r\n");
    auto last = s.find_last_not_of(" \t\r\n");
    s = s.substr(first, last - first + 1);
  }
  return out;
}

result<std::vector<std::int64_t>> apply_migrations(sql_database& db,
                                                   const std::filesystem::path& dir) {
  auto files = list_migrations(dir, db.engine());
  if (!files) return files.error();
  auto made = db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version BIGINT NOT NULL PRIMARY KEY, applied_at VARCHAR(32) NOT NULL)");
  if (!made) return made.error();
  auto done = db.query("SELECT version FROM schema_migrations");
  if (!done) return done.error();
  std::set<std::int64_t> applied_before;
  for (const auto& row : done->values) {
    if (const auto* v = std::get_if<std::int64_t>(&row.at(0))) applied_before.insert(*v);
  }

  std::vector<std::int64_t> applied;
  for (const auto& file : *files) {
    if (applied_before.count(file.version)) continue;
    std::ifstream in(file.path, std::ios::binary);
    if (!in) return fail(error_code::bad_request, "cannot read " + file.path.string());
    std::stringstream text;
    text << in.rdbuf();
    auto statements = split_sql_statements(text.str());
    auto name = file.path.filename().string();
    auto r = db.transaction([&](sql_connection& conn) -> result<void> {
      for (const auto& sql : statements) {
        if (auto e = conn.exec(sql); !e) {
          return fail(e.error().code, "migration " + name + " failed: " + e.error().message);
        }
      }
      auto rec = conn.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           {file.version, utc_now()});
      if (!rec) return rec.error();
      return {};
    });
    if (!r) return r.error();
    applied.push_back(file.version);
  }
  return applied;
}

}  // namespace stratus::backend
