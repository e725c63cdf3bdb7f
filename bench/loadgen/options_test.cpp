#include "loadgen/options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace stratus::loadgen {
namespace {

std::variant<options, std::string> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "stratus-bench");
  return parse_options(static_cast<int>(args.size()), args.data());
}

TEST(options, defaults_match_the_documented_ones) {
  auto parsed = parse({});
  ASSERT_TRUE(std::holds_alternative<options>(parsed));
  const auto& o = std::get<options>(parsed);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, "8081");
  EXPECT_EQ(o.path, "/");
  EXPECT_EQ(o.payload, 32u);
  EXPECT_EQ(o.protocol, "protobuf");
}

TEST(options, wss_urls_and_tls_flag_turn_tls_on) {
  auto wss = parse({"--url", "wss://game.example/ws"});
  ASSERT_TRUE(std::holds_alternative<options>(wss)) << std::get<std::string>(wss);
  EXPECT_TRUE(std::get<options>(wss).tls);
  EXPECT_EQ(std::get<options>(wss).transport, "ws");
  EXPECT_EQ(std::get<options>(wss).port, "443");
  auto tcp = parse({"--url", "tcp://127.0.0.1:9000", "--tls"});
  ASSERT_TRUE(std::holds_alternative<options>(tcp)) << std::get<std::string>(tcp);
  EXPECT_TRUE(std::get<options>(tcp).tls);
  EXPECT_EQ(std::get<options>(tcp).transport, "tcp");
  EXPECT_FALSE(std::get<options>(parse({})).tls);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse({"--tls", "--protocol", "raw"})));
}

TEST(options, parses_the_matrix_flags) {
  auto parsed = parse({"--url", "ws://localhost:9000/game", "--connections", "1000", "--inflight",
                       "16", "--duration", "2.5", "--threads", "2", "--json", "--connect-only",
                       "--account-prefix", "load"});
  ASSERT_TRUE(std::holds_alternative<options>(parsed)) << std::get<std::string>(parsed);
  const auto& o = std::get<options>(parsed);
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, "9000");
  EXPECT_EQ(o.path, "/game");
  EXPECT_EQ(o.connections, 1000);
  EXPECT_EQ(o.inflight, 16);
  EXPECT_DOUBLE_EQ(o.duration, 2.5);
  EXPECT_EQ(o.threads, 2);
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.connect_only);
  EXPECT_TRUE(o.login);
  EXPECT_EQ(o.account_prefix, "load");
}

TEST(options, rejects_bad_values_with_a_message) {
  for (auto args :
       std::vector<std::vector<const char*>>{{"--connections", "0"},
                                             {"--inflight", "x"},
                                             {"--url", "http://host/"},
                                             {"--protocol", "json"},
                                             {"--bogus"},
                                             {"--duration", "-1"},
                                             {"--request", "chat"},
                                             {"--protocol", "sproto", "--request", "login"},
                                             {"--no-login"},
                                             {"--transport", "udp"},
                                             {"--url", "tcp://host"},
                                             {"--url", "tcp://h:1", "--transport", "ws"},
                                             {"--transport", "tcp", "--protocol", "raw"}}) {
    auto parsed = parse(args);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << args[0];
    EXPECT_FALSE(std::get<std::string>(parsed).empty());
  }
}

TEST(options, url_without_port_or_path) {
  auto parsed = parse({"--url", "ws://example.org"});
  ASSERT_TRUE(std::holds_alternative<options>(parsed));
  EXPECT_EQ(std::get<options>(parsed).port, "80");
  EXPECT_EQ(std::get<options>(parsed).path, "/");
}

TEST(options, transport_follows_the_url_or_the_flag) {
  auto tcp_url = parse({"--url", "tcp://10.0.0.2:7000"});
  ASSERT_TRUE(std::holds_alternative<options>(tcp_url)) << std::get<std::string>(tcp_url);
  EXPECT_EQ(std::get<options>(tcp_url).transport, "tcp");
  EXPECT_EQ(std::get<options>(tcp_url).host, "10.0.0.2");
  EXPECT_EQ(std::get<options>(tcp_url).port, "7000");

  auto flag = parse({"--transport", "tcp", "--protocol", "sproto"});
  ASSERT_TRUE(std::holds_alternative<options>(flag)) << std::get<std::string>(flag);
  EXPECT_EQ(std::get<options>(flag).transport, "tcp");
  EXPECT_EQ(std::get<options>(flag).port, "8081");  // from the default URL

  auto ws = parse({});
  ASSERT_TRUE(std::holds_alternative<options>(ws));
  EXPECT_EQ(std::get<options>(ws).transport, "ws");
}

}  // namespace
}  // namespace stratus::loadgen
