#pragma once
// Internal to ws_connection: buffers held only until the upgrade is done.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <optional>

#include "net/ws_connection.hpp"

namespace stratus::net {

/// The upgrade request being read, with a size limit; released after the upgrade.
struct ws_connection::handshake_state {
  explicit handshake_state(std::size_t limit) : buffer(limit), limit_(limit) { next_request(); }
  /// A fresh parser for the next request of a keep-alive connection (static files); bytes
  /// already read past the previous request stay in `buffer`.
  void next_request() {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(limit_));
  }
  boost::beast::flat_buffer buffer;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser;
  unsigned served = 0;  // static-file requests answered on this connection

 private:
  std::size_t limit_;
};

}  // namespace stratus::net
