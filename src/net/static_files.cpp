// Static files for plain HTTP requests on the WebSocket port: path checks, types, responses.

#include "net/static_files.hpp"

#include <boost/beast/core/file.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/string_body.hpp>

#include <sys/stat.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace stratus::net {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

namespace {

using header = http::response_header<>;

struct type_entry {
  std::string_view extension;
  std::string_view type;
};
constexpr std::array<type_entry, 15> types{{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".wasm", "application/wasm"},
    {".txt", "text/plain; charset=utf-8"},
    // The demo page fetches the schemas it speaks.
    {".proto", "text/plain; charset=utf-8"},
    {".sproto", "text/plain; charset=utf-8"},
    {".d.ts", "text/plain; charset=utf-8"},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Headers every answer carries; the body type is chosen afterwards.
header base_header(http::status status, unsigned version) {
  header h;
  h.result(status);
  h.version(version);
  h.set(http::field::server, "stratus");
  h.set(http::field::cache_control, "no-cache");
  h.set("X-Content-Type-Options", "nosniff");
  return h;
}

/// Headers alone (HEAD, 304): Content-Length as the body would have it, or none.
http::message_generator headers_only(header h, bool keep_alive,
                                     std::optional<std::uint64_t> length) {
  http::response<http::empty_body> res(std::move(h));
  if (length) res.content_length(*length);
  res.keep_alive(keep_alive);
  return res;
}

/// A response made of a short text: its headers alone for HEAD.
http::message_generator text(header h, bool keep_alive, bool head, std::string_view content_type,
                             std::string body) {
  h.set(http::field::content_type, content_type);
  if (head) return headers_only(std::move(h), keep_alive, body.size());
  http::response<http::string_body> res(std::move(h), std::move(body));
  res.prepare_payload();
  res.keep_alive(keep_alive);
  return res;
}

/// True when `path` is `root` or below it (both canonical).
bool inside(const fs::path& path, const fs::path& root) {
  const std::string& p = path.native();
  const std::string& r = root.native();
  if (p == r) return true;
  if (p.size() <= r.size() || p.compare(0, r.size(), r) != 0) return false;
  return r.back() == '/' || p[r.size()] == '/';
}

/// True when a path below the root names a hidden file or folder (".git", "a/.env").
bool hidden(std::string_view relative) {
  return relative.starts_with('.') || relative.find("/.") != std::string_view::npos;
}

/// A decoded path below the root as a URL path: "/" + segments, percent-encoded where needed.
std::string url_path(std::string_view relative) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "/";
  for (unsigned char c : relative) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', hex[c >> 4], hex[c & 15]};
    }
  }
  return out;
}

/// An RFC 7231 date ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 64> out{};
  std::size_t n = std::strftime(out.data(), out.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(out.data(), n);
}

/// True when an If-None-Match value lists `etag` (or is "*"); weak tags compare equal.
bool etag_matches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

}  // namespace

static_files::static_files(www_options options) : options_(std::move(options)) {
  std::error_code ec;
  root_ = fs::canonical(options_.root, ec);
  if (ec || !fs::is_directory(root_, ec)) {
    throw std::runtime_error("www_root " + options_.root + " is not a readable directory");
  }
}

std::string_view static_files::content_type_of(const fs::path& file) {
  const std::string& name = file.native();
  for (const auto& t : types) {
    if (name.size() > t.extension.size() && name.ends_with(t.extension)) return t.type;
  }
  return "application/octet-stream";
}

std::optional<std::string> static_files::decode_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;  // "*", absolute-form
  std::string decoded;
  decoded.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if (c == '%') {
      if (i + 2 >= target.size()) return std::nullopt;
      int hi = hex_value(target[i + 1]);
      int lo = hex_value(target[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    decoded.push_back(c);
  }
  // Segments are checked after decoding: "%2e%2e" and "..%2f" are ".." too.
  std::string out;
  std::size_t at = 0;
  while (at < decoded.size()) {
    std::size_t end = decoded.find('/', at);
    if (end == std::string::npos) end = decoded.size();
    std::string_view segment(decoded.data() + at, end - at);
    at = end + 1;
    if (segment.empty()) continue;
    if (segment == "." || segment == "..") return std::nullopt;
    if (!out.empty()) out.push_back('/');
    out.append(segment);
  }
  return out;
}

http::message_generator static_files::respond(const request& req, bool keep_alive) const {
  const unsigned version = req.version();
  const bool head = req.method() == http::verb::head;
  auto plain = [&](http::status status, std::string body) {
    return text(base_header(status, version), keep_alive, head, "text/plain; charset=utf-8",
                std::move(body));
  };
  if (req.method() != http::verb::get && !head) {
    header h = base_header(http::status::method_not_allowed, version);
    h.set(http::field::allow, "GET, HEAD");
    return text(std::move(h), keep_alive, false, "text/plain; charset=utf-8",
                "method not allowed\n");
  }
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  auto relative = decode_target(path);
  if (!relative) return plain(http::status::bad_request, "bad path\n");

  if (auto it = options_.generated.find("/" + *relative); it != options_.generated.end()) {
    return text(base_header(http::status::ok, version), keep_alive, head, it->second.content_type,
                it->second.body);
  }
  // Hidden files (.git, .env, ...) are never served.
  if (hidden(*relative)) return plain(http::status::not_found, "not found\n");

  // Symlinks are followed, but what they lead to must stay inside the root and be visible.
  auto resolve = [&](const fs::path& p) -> std::optional<fs::path> {
    std::error_code ec;
    fs::path real = fs::canonical(p, ec);
    if (ec || !inside(real, root_)) return std::nullopt;
    if (hidden(std::string_view(real.native()).substr(root_.native().size()))) return std::nullopt;
    return real;
  };
  auto file = resolve(root_ / *relative);
  if (!file) return plain(http::status::not_found, "not found\n");
  std::error_code ec;
  if (fs::is_directory(*file, ec)) {
    if (!path.ends_with('/')) {
      // Relative links in the folder's index.html need the slash. The Location is built from
      // the checked path, so "//host" cannot turn it into a link to another site.
      header h = base_header(http::status::moved_permanently, version);
      h.set(http::field::location, url_path(*relative) + "/");
      return text(std::move(h), keep_alive, head, "text/plain; charset=utf-8", "moved\n");
    }
    file = resolve(*file / "index.html");
    if (!file) return plain(http::status::not_found, "not found\n");
  }
  // Only regular files: opening a FIFO would block the connection's thread.
  if (!fs::is_regular_file(*file, ec)) return plain(http::status::not_found, "not found\n");

  http::file_body::value_type body;
  boost::beast::error_code open_ec;
  body.open(file->c_str(), boost::beast::file_mode::scan, open_ec);
  struct stat st {};
  if (open_ec || ::fstat(body.file().native_handle(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return plain(http::status::not_found, "not found\n");
  }
  if (static_cast<std::uint64_t>(st.st_size) > options_.max_file_size) {
    return plain(http::status::forbidden, "file too large to serve\n");
  }

  std::array<char, 64> tag{};
  std::snprintf(tag.data(), tag.size(), "\"%llx-%llx\"",
                static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ULL +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec));
  const std::string etag(tag.data());
  header h = base_header(http::status::ok, version);
  h.set(http::field::etag, etag);
  h.set(http::field::last_modified, http_date(st.st_mtim.tv_sec));
  if (auto it = req.find(http::field::if_none_match);
      it != req.end() && etag_matches({it->value().data(), it->value().size()}, etag)) {
    h.result(http::status::not_modified);
    return headers_only(std::move(h), keep_alive, std::nullopt);
  }
  h.set(http::field::content_type, content_type_of(*file));
  if (head) return headers_only(std::move(h), keep_alive, static_cast<std::uint64_t>(st.st_size));
  http::response<http::file_body> res(std::move(h), std::move(body));
  res.prepare_payload();
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace stratus::net
