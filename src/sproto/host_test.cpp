#include "sproto/host.hpp"

#include <gtest/gtest.h>

#include "sproto/parser.hpp"

namespace stratus::sproto {
namespace {

schema_ptr demo_c2s() {
  auto s = parse_schema(R"(
    .package { type 0 : integer session 1 : integer ud 2 : string }
    ping 1 {}
    signin 3 { request { userid 0 : string } response { ok 0 : boolean } }
  )");
  EXPECT_TRUE(s.ok()) << s.err().message;
  return *s;
}

TEST(host, request_reply_round_trip) {
  auto s = demo_c2s();
  auto client = *host::create(s);
  auto server = *host::create(s);
  auto packet = client.request("signin", value(object{{"userid", "alice"}}), 7);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(client.pending(), 1u);
  auto in = server.dispatch(*packet);
  ASSERT_TRUE(in.ok()) << in.err().message;
  auto& req = std::get<incoming_request>(*in);
  EXPECT_EQ(req.name(), "signin");
  EXPECT_EQ(req.args["userid"].as_bytes(), "alice");
  auto reply = req.respond(value(object{{"ok", true}}));
  ASSERT_TRUE(reply.ok());
  auto back = client.dispatch(*reply);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<incoming_response>(*back).args["ok"].as_bool(), true);
  EXPECT_EQ(client.pending(), 0u);
  EXPECT_FALSE(client.dispatch(*reply).ok());  // the session is no longer pending
}

TEST(host, error_replies_decode_whatever_the_code_length) {
  auto s = demo_c2s();
  for (std::string code : {"UNAUTHORIZED", "INTERNAL", "BAD_REQUEST", "X", "RATE_LIMITED"}) {
    auto client = *host::create(s);
    auto server = *host::create(s);
    auto in = server.dispatch(*client.request("signin", value(object{}), 1));
    ASSERT_TRUE(in.ok());
    auto reply = std::get<incoming_request>(*in).respond_error(code);
    ASSERT_TRUE(reply.ok());
    auto back = client.dispatch(*reply);
    ASSERT_TRUE(back.ok()) << code << ": " << back.err().message;
    EXPECT_EQ(std::get<incoming_response>(*back).ud, code);
  }
}

TEST(host, push_has_no_responder_and_bad_packets_are_errors) {
  auto s = demo_c2s();
  auto a = *host::create(s);
  auto b = *host::create(s);
  auto in = b.dispatch(*a.request("ping", value()));
  ASSERT_TRUE(in.ok());
  const auto& req = std::get<incoming_request>(*in);
  EXPECT_FALSE(req.has_responder());
  EXPECT_FALSE(req.respond(value()).ok());
  EXPECT_FALSE(b.dispatch(std::string("\xff", 1)).ok());
  EXPECT_FALSE(b.request("nope", value()).ok());
  EXPECT_FALSE(b.request("signin", value()).ok());  // a request type needs an object
}

TEST(host, request_to_appends_the_same_packet_and_tracks_sessions) {
  auto s = demo_c2s();
  auto a = *host::create(s);
  auto b = *host::create(s);
  value args(object{{"userid", "alice"}});
  std::string out = "prefix";
  ASSERT_TRUE(a.request_to("signin", args, 5, {}, out).ok());
  ASSERT_TRUE(a.request_to("ping", value(), 6, "meta", out).ok());  // another protocol
  EXPECT_EQ(a.pending(), 2u);
  std::string expected = "prefix" + *b.request("signin", args, 5);
  EXPECT_EQ(out.substr(0, expected.size()), expected);
  auto in = b.dispatch(out.substr(6, expected.size() - 6));
  ASSERT_TRUE(in.ok());
  auto reply = std::get<incoming_request>(*in).respond(value(object{{"ok", true}}));
  ASSERT_TRUE(a.dispatch(*reply).ok());
  EXPECT_EQ(a.pending(), 1u);
  EXPECT_FALSE(a.request_to("nope", value(), 1, {}, out).ok());
}

}  // namespace
}  // namespace stratus::sproto
