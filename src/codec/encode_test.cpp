#include "codec/encode.hpp"

#include <gtest/gtest.h>

#include <string>

#include "codec/header.hpp"
#include "game.pb.h"

namespace stratus::codec {
namespace {

using namespace std::string_literals;

common::Error parse_error_packet(const std::string& packet) {
  auto body = unframe(packet);
  EXPECT_TRUE(body.ok());
  common::Error error;
  EXPECT_TRUE(error.ParseFromArray(body->data(), static_cast<int>(body->size())));
  return error;
}

TEST(encode, echo_reply_matches_hand_computed_bytes) {
  // Computed from the protobuf encoding rules, field by field:
  //   Header: 0a 0d "game.EchoResp" (field 1, LEN 13), 10 ac 02 (field 2, varint 300) = 18 bytes
  //   EchoResp: 0a 12 <header> (field 1, LEN 18), 12 02 "hi" (field 2, LEN 2) = 24 bytes
  //   prefix: 24 as u32 little-endian = 18 00 00 00
  const std::string expected = "\x18\x00\x00\x00"s + "\x0a\x12"s + "\x0a\x0dgame.EchoResp"s +
                               "\x10\xac\x02"s + "\x12\x02hi"s;
  game::EchoResp reply;
  reply.set_data("hi");
  std::string out;
  encode(reply, 300, out);
  EXPECT_EQ(out, expected);
}

TEST(encode, push_has_session_zero_and_omits_it_on_the_wire) {
  game::Notice notice;
  notice.set_text("hello");
  std::string out;
  encode(notice, 0, out);
  auto body = unframe(out);
  ASSERT_TRUE(body.ok());
  auto header = read_header(body.value());
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->msg_type(), "game.Notice");
  EXPECT_EQ(header->session_id(), 0);
  EXPECT_EQ(out.find("\x10"s), std::string::npos) << "proto3 omits a zero session_id";
}

TEST(encode, reflection_encoding_equals_typed_encoding) {
  game::PingResp typed;
  typed.set_server_time_ms(1234567890123);
  game::PingResp by_base = typed;
  std::string a, b;
  encode(typed, 77, a);
  encode_message(by_base, 77, b);
  EXPECT_EQ(a, b);
}

TEST(encode, reflection_encoding_rejects_a_message_without_header) {
  common::Header not_a_packet;
  std::string out;
  EXPECT_THROW(encode_message(not_a_packet, 1, out), std::invalid_argument);
}

TEST(encode, error_reply_carries_wire_code_and_session) {
  std::string out;
  encode_error(error_code::unauthorized, "login first", 12, out);
  common::Error error = parse_error_packet(out);
  EXPECT_EQ(error.header().msg_type(), "common.Error");
  EXPECT_EQ(error.header().session_id(), 12);
  EXPECT_EQ(error.code(), "UNAUTHORIZED");
  EXPECT_EQ(error.message(), "login first");
}

TEST(encode, decode_error_becomes_error_reply) {
  decode_error failure{error_code::unknown_message_type, "unknown message type 'x'", 5};
  std::string out;
  encode_error(failure, out);
  common::Error error = parse_error_packet(out);
  EXPECT_EQ(error.code(), "UNKNOWN_MESSAGE_TYPE");
  EXPECT_EQ(error.header().session_id(), 5);

  encode_error(decode_error{error_code::invalid_message, "bad", std::nullopt}, out);
  EXPECT_EQ(parse_error_packet(out).header().session_id(), 0);
}

TEST(encode, every_code_has_its_wire_spelling) {
  const std::pair<error_code, const char*> codes[] = {
      {error_code::invalid_message, "INVALID_MESSAGE"},
      {error_code::unknown_message_type, "UNKNOWN_MESSAGE_TYPE"},
      {error_code::unauthorized, "UNAUTHORIZED"},
      {error_code::bad_request, "BAD_REQUEST"},
      {error_code::rate_limited, "RATE_LIMITED"},
      {error_code::backend_unavailable, "BACKEND_UNAVAILABLE"},
      {error_code::internal, "INTERNAL"},
  };
  for (const auto& [code, name] : codes) {
    EXPECT_EQ(to_wire(code), name);
    EXPECT_EQ(error_code_from_wire(name), code);
  }
  EXPECT_FALSE(error_code_from_wire("invalid_message").has_value());
}

}  // namespace
}  // namespace stratus::codec
