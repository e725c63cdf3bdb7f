#include "loadgen/protobuf_protocol.hpp"

#include <gtest/gtest.h>

#include "codec/encode.hpp"
#include "codec/framing.hpp"

namespace stratus::loadgen {
namespace {

template <class M>
M decode(const std::string& packet) {
  auto body = codec::unframe(packet);
  EXPECT_TRUE(body.ok());
  M message;
  EXPECT_TRUE(message.ParseFromArray(body->data(), static_cast<int>(body->size())));
  return message;
}

std::string login_reply(std::int32_t session, const std::string& token) {
  game::LoginResp resp;
  resp.set_token(token);
  std::string out;
  codec::encode(resp, session, out);
  return out;
}

TEST(protobuf_protocol, login_then_requests_carry_the_token) {
  protobuf_protocol p(8);
  std::string out;
  p.login_packet("bench7", "pw", 1, out);
  const auto login = decode<game::LoginReq>(out);
  EXPECT_EQ(login.header().msg_type(), "game.LoginReq");
  EXPECT_EQ(login.account(), "bench7");

  const reply r = p.parse_reply(login_reply(1, "tok-7"));
  EXPECT_EQ(r.what, reply::kind::ok);
  EXPECT_EQ(r.session, 1);

  p.request_packet(42, out);
  const auto echo = decode<game::EchoReq>(out);
  EXPECT_EQ(echo.header().msg_type(), "game.EchoReq");
  EXPECT_EQ(echo.header().session_id(), 42);
  EXPECT_EQ(echo.header().token(), "tok-7");
  EXPECT_EQ(echo.data().size(), 8u);
}

TEST(protobuf_protocol, login_loop_sends_the_login_again_each_time) {
  protobuf_protocol p(8, /*login_loop=*/true);
  std::string out;
  p.login_packet("bench3", "pw3", 1, out);
  EXPECT_EQ(p.parse_reply(login_reply(1, "tok-a")).what, reply::kind::ok);
  p.request_packet(9, out);
  const auto again = decode<game::LoginReq>(out);
  EXPECT_EQ(again.header().msg_type(), "game.LoginReq");
  EXPECT_EQ(again.header().session_id(), 9);
  EXPECT_EQ(again.account(), "bench3");
  EXPECT_EQ(again.password(), "pw3");
  const reply r = p.parse_reply(login_reply(9, "tok-b"));
  EXPECT_EQ(r.what, reply::kind::ok);
  EXPECT_EQ(r.session, 9);
}

TEST(protobuf_protocol, echo_reply_must_return_the_payload) {
  protobuf_protocol p(4);
  std::string request;
  p.request_packet(5, request);
  game::EchoResp resp;
  resp.set_data(decode<game::EchoReq>(request).data());
  std::string out;
  codec::encode(resp, 5, out);
  EXPECT_EQ(p.parse_reply(out).what, reply::kind::ok);
  EXPECT_EQ(p.parse_reply(out).session, 5);

  resp.set_data("nope");
  codec::encode(resp, 5, out);
  EXPECT_EQ(p.parse_reply(out).what, reply::kind::error);
}

TEST(protobuf_protocol, error_push_and_garbage_are_told_apart) {
  protobuf_protocol p(4);
  std::string out;
  codec::encode_error(codec::error_code::unauthorized, "login first", 9, out);
  reply r = p.parse_reply(out);
  EXPECT_EQ(r.what, reply::kind::error);
  EXPECT_EQ(r.session, 9);
  EXPECT_EQ(r.detail, "UNAUTHORIZED");

  game::Notice notice;
  notice.set_text("hi");
  codec::encode(notice, 0, out);
  EXPECT_EQ(p.parse_reply(out).what, reply::kind::push);

  EXPECT_EQ(p.parse_reply(std::string("\x01\x00", 2)).what, reply::kind::bad);
}

}  // namespace
}  // namespace stratus::loadgen
