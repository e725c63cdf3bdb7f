#include "loadgen/sproto_protocol.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

namespace stratus::loadgen {
namespace {

// The server's side of the conversation, built from the schema files in proto/.
struct server_side {
  sproto::schema_ptr c2s;
  sproto::schema_ptr s2c;
  sproto::host host;

  static server_side make() {
    const auto dir = std::filesystem::path(__FILE__).parent_path() / "../../proto";
    auto c2s = sproto::load_schema_file((dir / "proto.c2s.sproto").string());
    auto s2c = sproto::load_schema_file((dir / "proto.s2c.sproto").string());
    EXPECT_TRUE(c2s.ok() && s2c.ok());
    auto h = sproto::host::create(*c2s);
    EXPECT_TRUE(h.ok());
    return {*c2s, *s2c, std::move(*h)};
  }

  // Unframes and dispatches a client packet; it must be a request.
  sproto::incoming_request receive(const std::string& framed) {
    EXPECT_GE(framed.size(), 2u);
    const std::size_t length = (static_cast<unsigned char>(framed[0]) << 8) |
                               static_cast<unsigned char>(framed[1]);
    EXPECT_EQ(length, framed.size() - 2);
    auto in = host.dispatch(std::string_view(framed).substr(2));
    EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error().message);
    return std::get<sproto::incoming_request>(*in);
  }
};

std::string framed(const std::string& body) {
  std::string out{static_cast<char>(body.size() >> 8), static_cast<char>(body.size() & 0xff)};
  return out + body;
}

TEST(sproto_protocol, signin_then_echo_round_trip) {
  auto server = server_side::make();
  auto made = sproto_protocol::create(10);
  ASSERT_EQ(made.index(), 0u);
  auto& p = *std::get<0>(made);

  std::string out;
  p.login_packet("bench3", "pw", 1, out);
  auto signin = server.receive(out);
  EXPECT_EQ(signin.name(), "signin");
  EXPECT_EQ(signin.session, 1);
  EXPECT_EQ(signin.args["userid"].as_bytes(), "bench3");
  sproto::value ok;
  ok["ok"] = true;
  reply r = p.parse_reply(framed(*signin.respond(ok)));
  EXPECT_EQ(r.what, reply::kind::ok);
  EXPECT_EQ(r.session, 1);

  p.request_packet(42, out);
  auto echo = server.receive(out);
  EXPECT_EQ(echo.name(), "echo");
  EXPECT_EQ(echo.session, 42);
  EXPECT_EQ(echo.args["data"].as_bytes(), "abcdefghij");
  r = p.parse_reply(framed(*echo.respond(echo.args)));
  EXPECT_EQ(r.what, reply::kind::ok);
  EXPECT_EQ(r.session, 42);
}

TEST(sproto_protocol, wrong_echo_data_and_error_ud_are_errors) {
  auto server = server_side::make();
  auto p = std::move(std::get<0>(sproto_protocol::create(4)));
  std::string out;
  p->request_packet(7, out);
  auto echo = server.receive(out);
  sproto::value other;
  other["data"] = "nope";
  reply r = p->parse_reply(framed(*echo.respond(other)));
  EXPECT_EQ(r.what, reply::kind::error);
  EXPECT_EQ(r.session, 7);

  p->request_packet(8, out);
  auto second = server.receive(out);
  r = p->parse_reply(framed(*second.respond_error("BAD_REQUEST")));
  EXPECT_EQ(r.what, reply::kind::error);
  EXPECT_EQ(r.session, 8);
  EXPECT_EQ(r.detail, "BAD_REQUEST");
}

TEST(sproto_protocol, pushes_and_garbage) {
  auto server = server_side::make();
  auto p = std::move(std::get<0>(sproto_protocol::create(4)));
  sproto::value text;
  text["text"] = "hello";
  auto push = server.host.request(server.s2c, "push", text);
  ASSERT_TRUE(push.ok());
  reply r = p->parse_reply(framed(*push));
  EXPECT_EQ(r.what, reply::kind::push);
  EXPECT_EQ(r.detail, "push");

  EXPECT_EQ(p->parse_reply(std::string("\x00", 1)).what, reply::kind::bad);
  EXPECT_EQ(p->parse_reply(framed(*push) + "x").what, reply::kind::bad);
  // A reply to a session never sent.
  auto reply_to_nothing = sproto::pack(std::string("\x01\x00\x00\x00", 4));
  EXPECT_EQ(p->parse_reply(framed(reply_to_nothing)).what, reply::kind::bad);
}

TEST(sproto_protocol, echo_requests_are_the_bytes_host_request_makes) {
  auto p = std::move(std::get<0>(sproto_protocol::create(40)));
  auto reference = sproto::host::create(demo_sproto_schemas().s2c);
  ASSERT_TRUE(reference.ok());
  sproto::value args;
  args["data"] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn";
  std::string out;
  for (std::int32_t session : {2, 17, 0x7ffe, 0x7fff, 70000, 0x7fffffff}) {
    p->request_packet(session, out);
    auto expected = reference->request(demo_sproto_schemas().c2s, "echo", args, session);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(out, framed(*expected)) << session;
  }
}

TEST(sproto_protocol, echo_reply_encoded_otherwise_is_still_checked_by_value) {
  auto p = std::move(std::get<0>(sproto_protocol::create(4)));
  // header {session = 9}, then content {data = "abcd"} with 8 bytes of zero padding after it.
  const std::string header("\x02\x00\x01\x00\x14\x00", 6);  // skip tag 0; session = 9
  std::string content("\x01\x00\x00\x00\x04\x00\x00\x00" "abcd", 12);
  reply r = p->parse_reply(framed(sproto::pack(header + content + std::string(8, '\0'))));
  EXPECT_EQ(r.what, reply::kind::ok);
  EXPECT_EQ(r.session, 9);
  std::string wrong("\x01\x00\x00\x00\x04\x00\x00\x00" "abce", 12);
  r = p->parse_reply(framed(sproto::pack(header + wrong)));
  EXPECT_EQ(r.what, reply::kind::error);
}

TEST(sproto_protocol, payload_that_cannot_be_framed_is_refused) {
  EXPECT_EQ(sproto_protocol::create(60000).index(), 0u);
  auto too_big = sproto_protocol::create(70000);
  ASSERT_EQ(too_big.index(), 1u);
  EXPECT_NE(std::get<1>(too_big).find("65535"), std::string::npos);
}

}  // namespace
}  // namespace stratus::loadgen
