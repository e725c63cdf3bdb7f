#include "sproto/host.hpp"
#include "sproto/gen/writer.hpp"

#include <gtest/gtest.h>

#include "sproto/codec.hpp"
#include "sproto/parser.hpp"

namespace stratus::sproto {
namespace {

schema_ptr demo_c2s() {
  auto s = parse_schema(R"(
    .package { type 0 : integer session 1 : integer ud 2 : string }
    ping 1 {}
    signin 3 { request { userid 0 : string } response { ok 0 : boolean } }
  )");
  EXPECT_TRUE(s.ok()) << s.error().message;
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
  ASSERT_TRUE(in.ok()) << in.error().message;
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
    ASSERT_TRUE(back.ok()) << code << ": " << back.error().message;
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

TEST(host, dispatch_to_reuses_the_callers_message_and_agrees_with_dispatch) {
  auto s = demo_c2s();
  auto client = *host::create(s);
  auto server = *host::create(s);
  incoming in;
  // Requests: with and without ud, session and args; each must read as dispatch() reads it.
  const std::string packets[] = {
      *client.request("signin", value(object{{"userid", "alice"}}), 1, "meta"),
      *client.request("signin", value(object{{"userid", "bob"}})),
      *client.request("ping", value(), 2),
      *client.request("signin", value(object{{"userid", "carol"}}), 3),
  };
  for (const std::string& packet : packets) {
    ASSERT_TRUE(server.dispatch_to(packet, in).ok());
    auto fresh = server.dispatch(packet);
    ASSERT_TRUE(fresh.ok());
    const auto& got = std::get<incoming_request>(in);
    const auto& want = std::get<incoming_request>(*fresh);
    EXPECT_EQ(got.proto, want.proto);
    EXPECT_EQ(got.args, want.args);
    EXPECT_EQ(got.session, want.session);
    EXPECT_EQ(got.ud, want.ud);
    EXPECT_EQ(got.header, server.header());
  }
  // A reply switches `in` to a response (and back to a request later).
  auto reply = std::get<incoming_request>(in).respond(value(object{{"ok", true}}), "done");
  ASSERT_TRUE(client.dispatch_to(*reply, in).ok());
  const auto& resp = std::get<incoming_response>(in);
  EXPECT_EQ(resp.session, 3);
  EXPECT_EQ(resp.args, value(object{{"ok", true}}));
  EXPECT_EQ(resp.ud, "done");
  ASSERT_TRUE(server.dispatch_to(packets[1], in).ok());
  EXPECT_EQ(std::get<incoming_request>(in).args, value(object{{"userid", "bob"}}));
  EXPECT_FALSE(server.dispatch_to("\x01", in).ok());
  EXPECT_FALSE(client.dispatch_to(*reply, in).ok());  // that session is answered already
}

TEST(host, a_reply_header_is_the_bytes_encode_writes) {
  for (const char* text : {".package { type 0 : integer session 1 : integer }",
                           ".package { session 0 : integer type 1 : integer }",
                           ".package { type 0 : integer ud 1 : string session 4 : integer }"}) {
    auto s = parse_schema(text);
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto h = host::create(*s);
    ASSERT_TRUE(h.ok());
    const package_header& header = *h->header();
    for (std::int64_t session : {std::int64_t{0}, std::int64_t{1}, std::int64_t{0x7ffe},
                                 std::int64_t{0x7fff}, std::int64_t{-1},
                                 std::int64_t{1} << 40}) {
      std::string expected;
      header.encode(std::nullopt, session, std::nullopt, expected);
      std::string got = "x";  // appends, as encode does
      {
        gen::writer w(got);  // trims `got` to what was written as it ends
        header.encode_reply(session, w);
      }
      EXPECT_EQ(got, "x" + expected) << text << " / session " << session;
    }
  }
}

// package_header::read() must accept and refuse exactly what decoding the header struct does.
TEST(host, header_read_agrees_with_the_generic_decoder) {
  using namespace std::string_literals;
  const std::string headers[] = {
      "\x02\x00\x08\x00\x10\x00"s,                          // type 3, session 7
      "\x01\x00\x00\x00\x04\x00\x00\x00\xfe\xff\xff\xff"s,  // type -2 in a block
      "\x01\x00\x00\x00\x03\x00\x00\x00" "abc"s,              // 3-byte integer: malformed
      "\x02\x00\x03\x00\x04\x00"s,                          // ud inline: malformed
      "\x02\x00\x03\x00\x00\x00\x02\x00\x00\x00hi"s,          // ud "hi"
      "\x01\x00\x00\x00\x09\x00\x00\x00" "ab"s,              // block past the end
      "\x02\x00\x09\x00\x00\x00\x02\x00\x00\x00zz"s,      // unknown tag 5: skipped
      "\x05"s,                                                // shorter than its count
      "\x04\x00\x04\x00"s,                                  // words past the end
      "\x02\x00\x02\x00\x02\x00\x00\x00"s,                  // trailing bytes ignored
  };
  for (const char* text : {".package { type 0 : integer session 1 : integer ud 2 : string }",
                           ".package { type 0 : integer session 1 : integer ud 2 : string "
                           "extra 5 : *integer }"}) {
    auto s = parse_schema(text);
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto h = host::create(*s);
    ASSERT_TRUE(h.ok());
    const package_header& header = *h->header();
    EXPECT_EQ(header.only_known_fields, std::string_view(text).find("extra") == std::string_view::npos);
    for (const std::string& plain : headers) {
      auto generic = decode(**s, *header.type, plain);
      auto read = header.read(plain);
      ASSERT_EQ(read.ok(), generic.ok()) << text << " / header of " << plain.size() << " bytes";
      if (!read.ok()) continue;
      EXPECT_EQ(read->used, generic->consumed);
      const value* tag = generic->v.find("type");
      const value* session = generic->v.find("session");
      const value* ud = generic->v.find("ud");
      EXPECT_EQ(read->tag.has_value(), tag != nullptr);
      if (tag) {
        EXPECT_EQ(*read->tag, tag->as_int());
      }
      EXPECT_EQ(read->session.has_value(), session != nullptr);
      if (session) {
        EXPECT_EQ(*read->session, session->as_int());
      }
      EXPECT_EQ(read->ud.has_value(), ud != nullptr);
      if (ud) {
        EXPECT_EQ(*read->ud, ud->as_bytes());
      }
    }
  }
}

}  // namespace
}  // namespace stratus::sproto
