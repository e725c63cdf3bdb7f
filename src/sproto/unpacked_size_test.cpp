#include "sproto/unpacked_size.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sproto/pack.hpp"

namespace stratus::sproto {
namespace {

TEST(unpacked_size, matches_unpack_for_packed_streams) {
  for (std::string plain : {std::string(), std::string(1, 'x'), std::string(30, '\x8a'),
                            std::string(65533, '\0'), std::string("\x08\0\0\0\x03\0\x02\0", 8)}) {
    std::string packed = pack(plain);
    auto size = unpacked_size(packed);
    ASSERT_TRUE(size.has_value());
    auto unpacked = unpack(packed);
    ASSERT_TRUE(unpacked.ok());
    EXPECT_EQ(*size, unpacked->size());
  }
}

TEST(unpacked_size, zero_bytes_expand_eightfold) {
  EXPECT_EQ(unpacked_size(std::string(65533, '\0')), 65533u * 8);
}

TEST(unpacked_size, truncated_streams_have_no_size) {
  EXPECT_FALSE(unpacked_size(std::string("\xff", 1)).has_value());
  EXPECT_FALSE(unpacked_size(std::string("\xff\x00\x01\x02", 4)).has_value());
  EXPECT_FALSE(unpacked_size(std::string("\x03\x01", 2)).has_value());
}

TEST(packed_prefix, stops_at_the_first_group_boundary_past_the_wanted_size) {
  std::string packed(1000, '\0');  // 1000 zero words
  EXPECT_EQ(packed_prefix(packed, 16).size(), 2u);
  EXPECT_EQ(packed_prefix(packed, 17).size(), 3u);
  EXPECT_EQ(packed_prefix("\x03\x01", 64).size(), 2u);  // truncated: all of it
}

}  // namespace
}  // namespace stratus::sproto
