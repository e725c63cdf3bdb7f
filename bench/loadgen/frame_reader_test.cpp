#include "loadgen/frame_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace stratus::loadgen {
namespace {

// An unmasked server frame.
std::string frame(std::uint8_t first, const std::string& payload) {
  std::string f(1, static_cast<char>(first));
  if (payload.size() < 126) {
    f += static_cast<char>(payload.size());
  } else if (payload.size() <= 0xffff) {
    f += static_cast<char>(126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  } else {
    f += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      f += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xff);
    }
  }
  return f + payload;
}

void feed(frame_reader& r, const std::string& bytes) {
  auto space = r.space(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  r.commit(bytes.size());
}

TEST(frame_reader, several_messages_in_one_read) {
  frame_reader r;
  feed(r, frame(0x82, "one") + frame(0x82, std::string(300, 'b')) + frame(0x82, ""));
  std::string_view p;
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, "one");
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, std::string(300, 'b'));
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, "");
  EXPECT_EQ(r.next(p), frame_reader::event::none);
}

TEST(frame_reader, a_frame_split_byte_by_byte) {
  frame_reader r;
  const std::string payload(70000, 'z');
  const std::string bytes = frame(0x82, payload);
  std::string_view p;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    feed(r, bytes.substr(i, 1));
    if (i % 9973 == 0) {
      ASSERT_EQ(r.next(p), frame_reader::event::none) << i;
    }
  }
  feed(r, bytes.substr(bytes.size() - 1));
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, payload);
}

TEST(frame_reader, fragments_are_reassembled_around_control_frames) {
  frame_reader r;
  feed(r, frame(0x02, "ab") + frame(0x89, "hi") + frame(0x00, "cd") + frame(0x80, "ef"));
  std::string_view p;
  ASSERT_EQ(r.next(p), frame_reader::event::ping);
  EXPECT_EQ(p, "hi");
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, "abcdef");
}

TEST(frame_reader, control_and_text_frames) {
  frame_reader r;
  feed(r, frame(0x81, "t") + frame(0x8a, "") + frame(0x88, "\x03\xe8"));
  std::string_view p;
  EXPECT_EQ(r.next(p), frame_reader::event::text);
  EXPECT_EQ(r.next(p), frame_reader::event::pong);
  ASSERT_EQ(r.next(p), frame_reader::event::close);
  EXPECT_EQ(p, "\x03\xe8");
}

TEST(frame_reader, protocol_violations) {
  std::string_view p;
  for (const std::string& bad :
       {std::string("\x82\x81\0\0\0\0x", 7) /* masked */, frame(0xc2, "x") /* RSV1 */,
        frame(0x80, "x") /* stray continuation */, frame(0x09, "x") /* fragmented ping */,
        frame(0x83, "x") /* reserved opcode */}) {
    frame_reader r;
    feed(r, bad);
    EXPECT_EQ(r.next(p), frame_reader::event::error);
    EXPECT_FALSE(r.problem().empty());
  }
  frame_reader small(10);
  feed(small, frame(0x82, std::string(11, 'x')));
  EXPECT_EQ(small.next(p), frame_reader::event::error);
}

TEST(frame_reader, bytes_before_frames_can_be_skipped) {
  frame_reader r;
  feed(r, "HTTP/1.1 101 ok\r\n\r\n" + frame(0x82, "x"));
  r.skip(r.unparsed().find("\r\n\r\n") + 4);
  std::string_view p;
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, "x");
}

// Plain TCP (the server's tcp_port): packets back to back, each behind its length prefix.
std::string pb_packet(const std::string& body) {  // u32 little-endian
  std::string p(4, '\0');
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((body.size() >> (8 * i)) & 0xff);
  return p + body;
}

std::string sproto_packet(const std::string& body) {  // u16 big-endian
  return std::string{static_cast<char>(body.size() >> 8), static_cast<char>(body.size() & 0xff)} +
         body;
}

TEST(frame_reader, tcp_packets_come_whole_with_their_prefix) {
  frame_reader r(net::tcp_framing{4, false});
  const std::string big(300, 'b');
  feed(r, pb_packet("one") + pb_packet(big) + pb_packet(""));
  std::string_view p;
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, pb_packet("one"));
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, pb_packet(big));
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, pb_packet(""));
  EXPECT_EQ(r.next(p), frame_reader::event::none);
}

TEST(frame_reader, tcp_sproto_prefix_is_big_endian_and_may_arrive_byte_by_byte) {
  frame_reader r(net::tcp_framing{2, true});
  const std::string body(0x1234, 's');  // both prefix bytes matter
  const std::string bytes = sproto_packet(body) + sproto_packet("x");
  std::string_view p;
  for (std::size_t i = 0; i + 1 < sproto_packet(body).size(); ++i) {
    feed(r, bytes.substr(i, 1));
    ASSERT_EQ(r.next(p), frame_reader::event::none) << i;
  }
  feed(r, bytes.substr(sproto_packet(body).size() - 1));
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p.size(), 2 + body.size());
  EXPECT_EQ(p.substr(2), body);
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p, sproto_packet("x"));
}

TEST(frame_reader, tcp_bytes_that_look_like_websocket_frames_are_just_packets) {
  // 0x82 0x03 would be a binary frame of 3 bytes to a WebSocket reader; on TCP with the
  // protobuf prefix it is the start of a 4-byte length.
  frame_reader r(net::tcp_framing{4, false});
  const std::string body =
      "\x82\x03"
      "abc";
  feed(r, pb_packet(body));
  std::string_view p;
  ASSERT_EQ(r.next(p), frame_reader::event::message);
  EXPECT_EQ(p.substr(4), body);
}

TEST(frame_reader, tcp_oversized_packet_is_an_error) {
  frame_reader r(net::tcp_framing{4, false}, 10);
  feed(r, pb_packet(std::string(11, 'x')));
  std::string_view p;
  EXPECT_EQ(r.next(p), frame_reader::event::error);
  EXPECT_FALSE(r.problem().empty());
}

}  // namespace
}  // namespace stratus::loadgen
