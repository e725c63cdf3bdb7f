#include "codec/framing.hpp"

#include <gtest/gtest.h>

#include <string>

#include "game.pb.h"

namespace stratus::codec {
namespace {

using namespace std::string_literals;

TEST(framing, unframe_returns_body_after_prefix) {
  const std::string packet = "\x03\x00\x00\x00"s + "abc";
  auto body = unframe(packet);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body.value(), "abc");
}

TEST(framing, empty_body_is_a_valid_frame) {
  auto body = unframe("\x00\x00\x00\x00"s);
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(body.value().empty());
}

TEST(framing, short_prefix_is_malformed) {
  for (const std::string& packet : {""s, "\x01"s, "\x00\x00\x00"s}) {
    auto body = unframe(packet);
    ASSERT_FALSE(body.ok()) << packet.size();
    EXPECT_EQ(body.error().code, error_code::invalid_message);
    EXPECT_FALSE(body.error().session.has_value());
    EXPECT_NE(body.error().reason.find("prefix"), std::string::npos);
  }
}

TEST(framing, length_must_equal_bytes_after_prefix) {
  auto too_long = unframe("\x05\x00\x00\x00"s + "abc");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, error_code::invalid_message);
  EXPECT_NE(too_long.error().reason.find("says 5 bytes but 3"), std::string::npos);

  auto trailing = unframe("\x02\x00\x00\x00"s + "abc");
  EXPECT_FALSE(trailing.ok());
}

TEST(framing, prefix_is_little_endian_not_big_endian) {
  // 0x00000003 big-endian reads as 0x03000000 little-endian: a mismatch.
  EXPECT_FALSE(unframe("\x00\x00\x00\x03"s + "abc").ok());
}

TEST(framing, huge_length_is_rejected_without_allocating) {
  auto body = unframe("\xff\xff\xff\xff"s + "abc");
  ASSERT_FALSE(body.ok());
  EXPECT_NE(body.error().reason.find("4294967295"), std::string::npos);
}

TEST(framing, frame_into_writes_prefix_then_body_and_reuses_buffer) {
  std::string out(1000, 'x');
  out.clear();
  const auto* before = out.data();
  frame_into(std::string_view("hello"), out);
  EXPECT_EQ(out, "\x05\x00\x00\x00hello"s);
  EXPECT_EQ(out.data(), before) << "a large enough buffer is reused, not reallocated";
}

TEST(framing, frame_into_a_message_round_trips) {
  game::EchoReq request;
  request.set_data(std::string(300, 'z'));
  std::string out;
  frame_into(request, out);
  ASSERT_EQ(out.size(), prefix_size + request.ByteSizeLong());
  EXPECT_EQ(static_cast<unsigned char>(out[0]) | (static_cast<unsigned char>(out[1]) << 8),
            static_cast<int>(request.ByteSizeLong()));
  auto body = unframe(out);
  ASSERT_TRUE(body.ok());
  game::EchoReq parsed;
  ASSERT_TRUE(parsed.ParseFromArray(body->data(), static_cast<int>(body->size())));
  EXPECT_EQ(parsed.data(), request.data());
}

}  // namespace
}  // namespace stratus::codec
