#include "codec/message_registry.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "codec/encode.hpp"
#include "common.pb.h"
#include "game.pb.h"

namespace stratus::codec {
namespace {

using namespace std::string_literals;

template <class M>
std::string packet_of(M message, const std::string& msg_type, int session) {
  message.mutable_header()->set_msg_type(msg_type);
  message.mutable_header()->set_session_id(session);
  std::string out;
  frame_into(message, out);
  return out;
}

// What the registry holds here: a function from the decoded request to the reply packet.
using sync_handler = std::function<void(const common::Header& header,
                                        const google::protobuf::Message& request, std::string& out)>;

message_registry<sync_handler> demo_registry() {
  message_registry<sync_handler> registry;
  registry
      .add<game::EchoReq>([](const common::Header& header, const google::protobuf::Message& m,
                             std::string& out) {
        game::EchoResp reply;
        reply.set_data(static_cast<const game::EchoReq&>(m).data());
        encode(reply, header.session_id(), out);
      })
      .add<game::PingReq>([](const common::Header& header, const google::protobuf::Message&,
                             std::string& out) {
        game::PingResp reply;
        reply.set_server_time_ms(1000);
        encode(reply, header.session_id(), out);
      });
  return registry;
}

TEST(message_registry, typed_echo_handler_round_trip) {
  auto registry = demo_registry();
  game::EchoReq request;
  request.set_data("\x00\x01payload"s);
  auto decoded = registry.decode_packet(packet_of(request, "game.EchoReq", 31));
  ASSERT_TRUE(decoded.ok()) << decoded.error().reason;
  EXPECT_EQ(decoded->header->session_id(), 31);
  ASSERT_NE(decoded->handler, nullptr);
  EXPECT_EQ(static_cast<const game::EchoReq&>(*decoded->message).data(), request.data());

  std::string out;
  (*decoded->handler)(*decoded->header, *decoded->message, out);
  auto body = unframe(out);
  ASSERT_TRUE(body.ok());
  game::EchoResp reply;
  ASSERT_TRUE(reply.ParseFromArray(body->data(), static_cast<int>(body->size())));
  EXPECT_EQ(reply.header().msg_type(), "game.EchoResp");
  EXPECT_EQ(reply.header().session_id(), 31);
  EXPECT_EQ(reply.data(), request.data());
}

TEST(message_registry, header_only_message_decodes) {
  auto registry = demo_registry();
  auto decoded = registry.decode_packet(packet_of(game::PingReq{}, "game.PingReq", 2));
  ASSERT_TRUE(decoded.ok()) << decoded.error().reason;
  EXPECT_EQ(decoded->message->GetDescriptor(), game::PingReq::descriptor());
}

TEST(message_registry, unknown_type_keeps_session) {
  auto registry = demo_registry();
  auto decoded = registry.decode_packet(packet_of(game::PingReq{}, "game.Nope", 8));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::unknown_message_type);
  EXPECT_EQ(decoded.error().session, 8);
  EXPECT_NE(decoded.error().reason.find("game.Nope"), std::string::npos);
}

TEST(message_registry, header_readable_but_body_invalid_for_its_type_keeps_session) {
  message_registry<int> registry;
  registry.add<game::LoginReq>(0);
  // HeaderOnly skips field 2, but LoginReq.account is a proto3 string: invalid UTF-8 fails.
  game::PingReq ping;
  ping.mutable_header()->set_msg_type("game.LoginReq");
  ping.mutable_header()->set_session_id(4);
  std::string body = ping.SerializeAsString() + "\x12\x02\xff\xfe"s;
  auto decoded = registry.decode(body);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::invalid_message);
  EXPECT_EQ(decoded.error().session, 4);
  EXPECT_NE(decoded.error().reason.find("game.LoginReq"), std::string::npos);
}

TEST(message_registry, malformed_packets_are_errors_not_exceptions) {
  auto registry = demo_registry();
  for (const std::string& packet :
       {""s, "\x02\x00"s, "\x09\x00\x00\x00"s + "abc", "\xff\xff\xff\x7f"s + "x",
        "\x03\x00\x00\x00\xff\xff\xff"s, "\x00\x00\x00\x00"s}) {
    auto decoded = registry.decode_packet(packet);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, error_code::invalid_message);
    EXPECT_FALSE(decoded.error().reason.empty());
  }
}

TEST(message_registry, duplicate_registration_is_a_bug) {
  message_registry<int> registry;
  registry.add<game::EchoReq>(1);
  EXPECT_THROW(registry.add<game::EchoReq>(2), std::logic_error);
  EXPECT_EQ(registry.size(), 1u);
  ASSERT_NE(registry.find("game.EchoReq"), nullptr);
  EXPECT_EQ(*registry.find("game.EchoReq"), 1);
  EXPECT_EQ(registry.find("game.EchoResp"), nullptr);
}

TEST(message_registry, a_type_whose_field_one_is_not_a_header_is_refused) {
  message_registry<sync_handler> registry;
  EXPECT_THROW(registry.add<common::Header>(sync_handler{}), std::logic_error);
  EXPECT_EQ(registry.size(), 0u);
}

TEST(message_registry, clip_utf8_never_splits_a_character) {
  EXPECT_EQ(clip_utf8("abc", 10), "abc");
  EXPECT_EQ(clip_utf8("abcdef", 3), "abc");
  // "é" is c3 a9; cutting after c3 would leave half a character.
  EXPECT_EQ(clip_utf8("a\xc3\xa9z", 2), "a");
  EXPECT_EQ(clip_utf8("a\xc3\xa9z", 3), "a\xc3\xa9");
}

}  // namespace
}  // namespace stratus::codec
