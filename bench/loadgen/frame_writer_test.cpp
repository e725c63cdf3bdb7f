#include "loadgen/frame_writer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

namespace stratus::loadgen {
namespace {

// Unmasks the frame at the start of `f`; returns its payload.
std::string unmask(const std::vector<std::uint8_t>& f, std::size_t head) {
  std::string payload(f.begin() + static_cast<std::ptrdiff_t>(head + 4), f.end());
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= static_cast<char>(f[head + i % 4]);
  return payload;
}

TEST(frame_writer, small_binary_frame_is_final_masked_and_round_trips) {
  frame_writer w(42);
  std::vector<std::uint8_t> out;
  const std::string payload = "hello, stratus: 29 bytes long";
  w.append(out, ws_opcode::binary, payload);
  ASSERT_EQ(out.size(), 2 + 4 + payload.size());
  EXPECT_EQ(out[0], 0x82);
  EXPECT_EQ(out[1], 0x80 | payload.size());
  EXPECT_EQ(unmask(out, 2), payload);
}

TEST(frame_writer, extended_lengths) {
  frame_writer w(1);
  for (std::size_t size : {125u, 126u, 65535u, 65536u, 70000u}) {
    std::vector<std::uint8_t> out;
    const std::string payload(size, 'x');
    w.append(out, ws_opcode::binary, payload);
    const std::size_t head = size < 126 ? 2 : size <= 0xffff ? 4 : 10;
    ASSERT_EQ(out.size(), head + 4 + size) << size;
    if (head == 4) {
      EXPECT_EQ(out[1], 0x80 | 126);
      EXPECT_EQ((std::size_t{out[2]} << 8) | out[3], size);
    } else if (head == 10) {
      EXPECT_EQ(out[1], 0x80 | 127);
      std::uint64_t n = 0;
      for (int i = 0; i < 8; ++i) n = (n << 8) | out[2 + i];
      EXPECT_EQ(n, size);
    }
    EXPECT_EQ(unmask(out, head), payload) << size;
  }
}

TEST(frame_writer, every_frame_gets_a_new_key) {
  frame_writer w(7);
  std::set<std::uint32_t> keys;
  for (int i = 0; i < 1000; ++i) keys.insert(w.next_key());
  EXPECT_EQ(keys.size(), 1000u);
  EXPECT_EQ(keys.count(0), 0u);
}

TEST(frame_writer, mask_matches_the_bytewise_definition_for_odd_sizes) {
  for (std::size_t size = 0; size < 40; ++size) {
    std::vector<std::uint8_t> data(size), expected(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = expected[i] = static_cast<std::uint8_t>(i * 7);
    const std::uint32_t key = 0xa1b2c3d4;
    std::uint8_t k[4];
    std::memcpy(k, &key, 4);
    for (std::size_t i = 0; i < size; ++i) expected[i] ^= k[i % 4];
    apply_mask(data.data(), size, key);
    EXPECT_EQ(data, expected) << size;
  }
}

TEST(frame_writer, close_frame_carries_the_code) {
  frame_writer w(3);
  std::vector<std::uint8_t> out;
  w.append_close(out, 1000);
  ASSERT_EQ(out.size(), 2u + 4 + 2);
  EXPECT_EQ(out[0], 0x88);
  EXPECT_EQ(unmask(out, 2), std::string("\x03\xe8", 2));
}

}  // namespace
}  // namespace stratus::loadgen
