#include "fanout/room_wire.hpp"

#include <gtest/gtest.h>

#include "codec/encode.hpp"
#include "game.pb.h"

namespace stratus::fanout {
namespace {

TEST(room_wire, a_room_notice_is_read_from_its_bytes) {
  game::RoomNotice n;
  n.set_room("arena");
  n.set_from_userid(1234567890123);
  n.set_text(say_text(42, 32));
  n.mutable_header()->set_seq(300);  // a two-byte varint
  std::string packet;
  codec::encode(n, 0, packet);
  const auto v = peek_packet(packet);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->msg_type, "game.RoomNotice");
  EXPECT_EQ(v->session, 0);
  EXPECT_EQ(v->seq, 300u);
  EXPECT_EQ(v->field4.size(), 32u);
  EXPECT_EQ(say_number(v->field4), 42u);
}

TEST(room_wire, replies_give_their_session_and_a_varint_field_4_is_not_text) {
  game::LoginResp resp;
  resp.set_token("tok");
  resp.set_expires_in(3600);  // field 4, a varint
  std::string packet;
  codec::encode(resp, 77, packet);
  const auto v = peek_packet(packet);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->msg_type, "game.LoginResp");
  EXPECT_EQ(v->session, 77);
  EXPECT_TRUE(v->field4.empty());
  game::LoginResp back;
  ASSERT_TRUE(back.ParseFromArray(v->body.data(), static_cast<int>(v->body.size())));
  EXPECT_EQ(back.token(), "tok");
}

TEST(room_wire, requests_carry_room_text_and_token) {
  std::string packet;
  say_packet("arena", say_text(7, 32), "tok", 9, packet);
  const auto v = peek_packet(packet);
  ASSERT_TRUE(v);
  game::RoomSayReq req;
  ASSERT_TRUE(req.ParseFromArray(v->body.data(), static_cast<int>(v->body.size())));
  EXPECT_EQ(req.header().msg_type(), "game.RoomSayReq");
  EXPECT_EQ(req.header().session_id(), 9);
  EXPECT_EQ(req.header().token(), "tok");
  EXPECT_EQ(req.room(), "arena");
  EXPECT_EQ(req.text(), "0000000007" + std::string(22, 'x'));
  join_packet("arena", "tok", 2, packet);
  game::JoinReq join;
  ASSERT_TRUE(join.ParseFromArray(packet.data() + 4, static_cast<int>(packet.size() - 4)));
  EXPECT_EQ(join.room(), "arena");
}

TEST(room_wire, malformed_packets_are_refused) {
  std::string packet;
  say_packet("arena", "0000000001", "tok", 3, packet);
  EXPECT_FALSE(peek_packet(packet.substr(0, 3)));                  // shorter than the prefix
  EXPECT_FALSE(peek_packet(packet.substr(0, packet.size() - 1)));  // prefix says more
  std::string cut = packet.substr(0, packet.size() - 3);           // field cut short
  const auto n = static_cast<std::uint32_t>(cut.size() - 4);
  for (int i = 0; i < 4; ++i) cut[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  EXPECT_FALSE(peek_packet(cut));
  EXPECT_FALSE(say_number("00000x0001"));
  EXPECT_FALSE(say_number("123"));
  EXPECT_EQ(say_number(say_text(4294967295u, 10)), 4294967295u);
}

}  // namespace
}  // namespace stratus::fanout
