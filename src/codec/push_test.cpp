#include "codec/push.hpp"

#include <gtest/gtest.h>

#include "codec/header.hpp"
#include "codec/sproto_wire.hpp"
#include "game.pb.h"
#include "sproto/parser.hpp"
#include "sproto/pack.hpp"

namespace stratus::codec {
namespace {

TEST(pb_push, frames_a_message_with_its_header_and_seq) {
  game::RoomNotice n;
  n.mutable_header()->set_token("dropped: each session writes its own header");
  n.set_room("den");
  n.set_from_userid(42);
  n.set_text("hello");
  push_ptr body = pb_push(n);
  EXPECT_EQ(body->type, "game.RoomNotice");
  std::string packet;
  ASSERT_TRUE(pb_push_framer{}.frame(*body, 7, packet));
  const std::uint32_t length = static_cast<std::uint8_t>(packet[0]) |
                               static_cast<std::uint8_t>(packet[1]) << 8 |
                               static_cast<std::uint8_t>(packet[2]) << 16 |
                               static_cast<std::uint32_t>(static_cast<std::uint8_t>(packet[3])) << 24;
  EXPECT_EQ(length, packet.size() - 4);
  game::RoomNotice back;
  ASSERT_TRUE(back.ParseFromArray(packet.data() + 4, static_cast<int>(length)));
  EXPECT_EQ(back.header().msg_type(), "game.RoomNotice");
  EXPECT_EQ(back.header().seq(), 7u);
  EXPECT_EQ(back.header().session_id(), 0);
  EXPECT_EQ(back.header().token(), "");
  EXPECT_EQ(back.room(), "den");
  EXPECT_EQ(back.from_userid(), 42);
  EXPECT_EQ(back.text(), "hello");
  // seq 0 (a push before login) leaves the field out, as protobuf does for a default.
  ASSERT_TRUE(pb_push_framer{}.frame(*body, 0, packet));
  n.mutable_header()->Clear();
  n.mutable_header()->set_msg_type("game.RoomNotice");
  EXPECT_EQ(packet.substr(4), n.SerializeAsString());
}

constexpr const char* s2c_text = R"(
.package { type 0 : integer  session 1 : integer  ud 2 : string  seq 3 : integer }
heartbeat 1 {}
whisper 4 { request { from 0 : string  text 1 : string } }
)";

TEST(sproto_push, frames_like_the_host_and_adds_seq_to_the_header) {
  auto s2c = sproto::parse_schema(s2c_text, "s2c");
  ASSERT_TRUE(s2c);
  auto framer = sproto_push_framer::create(*s2c);
  ASSERT_TRUE(framer);
  sproto::value args;
  args["from"] = "amy";
  args["text"] = "yo";
  auto body = (*framer)->make("whisper", args);
  ASSERT_TRUE(body);
  // Without seq: byte for byte what the RPC host sends (the reference's host:attach).
  auto host = sproto::host::create(*s2c);
  ASSERT_TRUE(host);
  auto reference = host->request("whisper", args);
  ASSERT_TRUE(reference);
  std::string packet;
  ASSERT_TRUE((*framer)->frame(**body, 0, packet));
  EXPECT_EQ(packet.substr(2), *reference);
  // With seq: a client host decodes the push and finds seq in the header.
  for (std::uint32_t seq : {1u, 32766u, 32767u, 4000000000u}) {
    ASSERT_TRUE((*framer)->frame(**body, seq, packet));
    auto in = host->dispatch(*unframe_sproto(packet));
    ASSERT_TRUE(in) << seq;
    auto* req = std::get_if<sproto::incoming_request>(&*in);
    ASSERT_NE(req, nullptr);
    EXPECT_EQ(req->name(), "whisper");
    EXPECT_EQ(req->args, args);
    auto plain = sproto::unpack(*unframe_sproto(packet));
    ASSERT_TRUE(plain);
    std::string header;
    req->header->encode(4, std::nullopt, std::nullopt, header, seq);
    EXPECT_EQ(plain->substr(0, header.size()), header) << seq;
  }
  EXPECT_FALSE((*framer)->make("nosuch"));
  EXPECT_EQ((*framer)->kicked("bye"), nullptr);  // no `kicked` in this schema: only the close code
}

}  // namespace
}  // namespace stratus::codec
