#include "loadgen/ws_upgrade.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

namespace stratus::loadgen {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string make_upgrade_key(std::uint64_t random_a, std::uint64_t random_b) {
  std::uint8_t raw[16];
  std::memcpy(raw, &random_a, 8);
  std::memcpy(raw + 8, &random_b, 8);
  std::string key(boost::beast::detail::base64::encoded_size(16), '\0');
  key.resize(boost::beast::detail::base64::encode(key.data(), raw, 16));
  return key;
}

std::string make_upgrade_request(std::string_view host, std::string_view path,
                                 std::string_view key) {
  std::string r;
  r.reserve(200);
  r.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
  r.append("\r\nSec-WebSocket-Version: 13\r\nUser-Agent: stratus-bench\r\n\r\n");
  return r;
}

std::size_t upgrade_head_size(std::string_view received) noexcept {
  const auto end = received.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

std::string check_upgrade_response(std::string_view head, std::string_view key) {
  const auto line_end = head.find("\r\n");
  const std::string_view status = head.substr(0, line_end);
  if (status.substr(0, 9) != "HTTP/1.1 " || status.substr(9, 3) != "101") {
    return "upgrade refused: " + std::string(status);
  }
  boost::beast::websocket::detail::sec_ws_accept_type expected;
  boost::beast::websocket::detail::make_sec_ws_accept(expected, key);
  bool upgrade = false, accept = false;
  for (std::size_t at = line_end + 2; at < head.size();) {
    const auto end = head.find("\r\n", at);
    const std::string_view line = head.substr(at, end - at);
    at = end == std::string_view::npos ? head.size() : end + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "upgrade")) upgrade = iequals(value, "websocket");
    if (iequals(name, "sec-websocket-accept")) {
      accept = value == std::string_view(expected.data(), expected.size());
    }
  }
  if (!upgrade) return "upgrade response without 'Upgrade: websocket'";
  if (!accept) return "upgrade response with a wrong Sec-WebSocket-Accept";
  return {};
}

}  // namespace stratus::loadgen
