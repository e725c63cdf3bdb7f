#include "loadgen/ws_upgrade.hpp"

#include <gtest/gtest.h>

namespace stratus::loadgen {
namespace {

// RFC 6455 section 1.3: this key must be answered with this accept value.
constexpr const char* rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* rfc_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

TEST(ws_upgrade, request_names_host_path_and_key) {
  const std::string r = make_upgrade_request("127.0.0.1:8081", "/game", rfc_key);
  EXPECT_EQ(r.rfind("GET /game HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(r.find("\r\nHost: 127.0.0.1:8081\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n");
}

TEST(ws_upgrade, key_is_24_base64_characters) {
  EXPECT_EQ(make_upgrade_key(1, 2).size(), 24u);
  EXPECT_NE(make_upgrade_key(1, 2), make_upgrade_key(1, 3));
}

TEST(ws_upgrade, accepts_the_rfc_example) {
  const std::string head = std::string("HTTP/1.1 101 Switching Protocols\r\nupgrade:  WebSocket\r\n") +
                           "Connection: Upgrade\r\nSec-WebSocket-Accept: " + rfc_accept + "\r\n\r\n";
  EXPECT_EQ(upgrade_head_size(head + "\x82\x01x"), head.size());
  EXPECT_EQ(check_upgrade_response(head, rfc_key), "");
}

TEST(ws_upgrade, refusals) {
  EXPECT_EQ(upgrade_head_size("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"), 0u);
  EXPECT_NE(check_upgrade_response("HTTP/1.1 503 Busy\r\n\r\n", rfc_key), "");
  EXPECT_NE(check_upgrade_response(
                "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: nope\r\n\r\n",
                rfc_key),
            "");
  EXPECT_NE(check_upgrade_response(std::string("HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: ") +
                                       rfc_accept + "\r\n\r\n",
                                   rfc_key),
            "");
}

}  // namespace
}  // namespace stratus::loadgen
