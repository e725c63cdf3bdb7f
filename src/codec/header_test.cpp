#include "codec/header.hpp"

#include <gtest/gtest.h>

#include <string>

#include "game.pb.h"

namespace stratus::codec {
namespace {

using namespace std::string_literals;

TEST(header, reads_header_and_skips_the_other_fields) {
  game::LoginReq login;
  login.mutable_header()->set_msg_type("game.LoginReq");
  login.mutable_header()->set_session_id(42);
  login.mutable_header()->set_token("tok");
  login.set_account("alice");
  login.set_password("secret");
  auto header = read_header(login.SerializeAsString());
  ASSERT_TRUE(header.ok()) << header.error().reason;
  EXPECT_EQ(header->msg_type(), "game.LoginReq");
  EXPECT_EQ(header->session_id(), 42);
  EXPECT_EQ(header->token(), "tok");
}

TEST(header, header_after_other_fields_is_still_found) {
  // Field order on the wire is free; a client may write field 2 before field 1.
  const std::string body = "\x12\x02hi"s + "\x0a\x10\x0a\x0cgame.EchoReq\x10\x05"s;
  auto header = read_header(body);
  ASSERT_TRUE(header.ok()) << header.error().reason;
  EXPECT_EQ(header->msg_type(), "game.EchoReq");
  EXPECT_EQ(header->session_id(), 5);
}

TEST(header, field_one_given_twice_merges_as_a_message_field_does) {
  game::EchoReq first;
  first.mutable_header()->set_msg_type("game.EchoReq");
  first.mutable_header()->set_session_id(5);
  first.set_data("payload");
  game::EchoReq second;
  second.mutable_header()->set_token("tok");
  // Two serialized messages back to back parse as one, with field 1 merged.
  const std::string body = first.SerializeAsString() + second.SerializeAsString();
  auto header = read_header(body);
  ASSERT_TRUE(header.ok()) << header.error().reason;
  EXPECT_EQ(header->msg_type(), "game.EchoReq");
  EXPECT_EQ(header->session_id(), 5);
  EXPECT_EQ(header->token(), "tok");
  game::EchoReq full;
  ASSERT_TRUE(full.ParseFromString(body));  // protobuf itself agrees
  EXPECT_EQ(full.header().token(), "tok");
  EXPECT_EQ(full.header().session_id(), 5);
}

TEST(header, each_peek_sees_only_its_own_packet) {
  game::PingReq with_token;
  with_token.mutable_header()->set_msg_type("game.PingReq");
  with_token.mutable_header()->set_session_id(7);
  with_token.mutable_header()->set_token(std::string(40, 't'));
  game::PingReq without_token;
  without_token.mutable_header()->set_msg_type("game.PingReq");
  auto a = peek_header(with_token.SerializeAsString());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->token.size(), 40u);
  auto b = peek_header(without_token.SerializeAsString());  // reuses a's storage
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->token, "");
  EXPECT_EQ(b->session_id, 0);
  EXPECT_EQ(b->msg_type, "game.PingReq");
  EXPECT_FALSE(peek_header("\x0a\x03\xff\xff\xff"s).ok());  // field 1 is not a header
}

TEST(header, garbage_body_is_invalid_without_session) {
  auto header = read_header("\xff\xff\xff\xff\xff"s);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().code, error_code::invalid_message);
  EXPECT_FALSE(header.error().session.has_value());
}

TEST(header, missing_header_is_invalid) {
  game::EchoReq echo;  // no header set
  echo.set_data("payload");
  auto header = read_header(echo.SerializeAsString());
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().code, error_code::invalid_message);
  EXPECT_NE(header.error().reason.find("no header"), std::string::npos);
}

TEST(header, empty_body_has_no_header) {
  EXPECT_FALSE(read_header("").ok());
}

TEST(header, empty_msg_type_is_invalid_but_keeps_session) {
  game::PingReq ping;
  ping.mutable_header()->set_session_id(9);
  auto header = read_header(ping.SerializeAsString());
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().code, error_code::invalid_message);
  ASSERT_TRUE(header.error().session.has_value());
  EXPECT_EQ(*header.error().session, 9);
}

TEST(header, truncated_body_is_invalid) {
  game::EchoReq echo;
  echo.mutable_header()->set_msg_type("game.EchoReq");
  echo.set_data(std::string(100, 'a'));
  std::string body = echo.SerializeAsString();
  body.resize(body.size() - 10);
  EXPECT_FALSE(read_header(body).ok());
}

}  // namespace
}  // namespace stratus::codec
