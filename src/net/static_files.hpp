#pragma once
// Static files on the WebSocket listener's port: the answer to a plain HTTP GET or HEAD
// (not an upgrade) from a folder, for the browser demo. Knows nothing of the stream it is
// written to, so the connection code (plain TCP today, TLS later) only hands requests over.

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "net/ws_options.hpp"

namespace stratus::net {

/// One folder served read-only; immutable once built, shared by all connections of a listener.
class static_files {
 public:
  /// The request type the WebSocket handshake reads (a GET has no body).
  using request = boost::beast::http::request<boost::beast::http::empty_body>;

  /// Resolves options.root to its canonical path; throws std::runtime_error naming the folder
  /// when it is not a readable directory (a start-up failure).
  explicit static_files(www_options options);

  /// The response to one non-upgrade request: the file (GET), its headers (HEAD), 304 when
  /// If-None-Match matches, 301 for a folder without its trailing slash, 400 for a bad or
  /// escaping path, 403 for a file over max_file_size, 404, 405 for other methods.
  /// keep_alive: the connection stays open afterwards (the caller applies the HTTP/1.1 rules
  /// and its per-connection bound).
  boost::beast::http::message_generator respond(const request& req, bool keep_alive) const;

  /// The canonical folder served.
  const std::filesystem::path& root() const noexcept { return root_; }
  /// Settings in use.
  const www_options& options() const noexcept { return options_; }

  /// Content-Type for a file name's extension (application/octet-stream when unknown).
  static std::string_view content_type_of(const std::filesystem::path& file);
  /// The path part of a request target, percent-decoded and split into its non-empty
  /// segments, joined with '/'; nullopt for anything that must not reach the disk: not
  /// starting with '/', bad %-escapes, NUL, backslash, "." or ".." segments.
  static std::optional<std::string> decode_target(std::string_view target);

 private:
  www_options options_;
  std::filesystem::path root_;
};

}  // namespace stratus::net
