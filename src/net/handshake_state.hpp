#pragma once
// Internal to ws_connection: buffers held only until the upgrade is done.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "net/ws_connection.hpp"

namespace stratus::net {

/// The upgrade request being read, with a size limit; released after the upgrade.
struct ws_connection::handshake_state {
  explicit handshake_state(std::size_t limit) : buffer(limit) { parser.header_limit(limit); }
  boost::beast::flat_buffer buffer;
  boost::beast::http::request_parser<boost::beast::http::empty_body> parser;
};

}  // namespace stratus::net
