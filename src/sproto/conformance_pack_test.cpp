// Conformance: pack.jsonl (0-packing both ways), one test per category.

#include <gtest/gtest.h>

#include "sproto/conformance_support.hpp"
#include "sproto/pack.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::testing {
namespace {

class pack_vectors : public ::testing::TestWithParam<std::string> {};

TEST_P(pack_vectors, match_reference) {
  auto rs = records_of("pack.jsonl", GetParam());
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) {
    const std::string id = r["id"];
    auto packed = *from_hex(r["packed"].get<std::string>());
    if (r["op"] == "pack") {
      EXPECT_EQ(to_hex(pack(*from_hex(r["input"].get<std::string>()))), r["packed"]) << id;
    } else {
      ASSERT_EQ(r["op"], "unpack") << id;
    }
    auto u = unpack(packed);
    ASSERT_TRUE(u.ok()) << id << ": " << u.error().message;
    EXPECT_EQ(to_hex(*u), r["unpacked"]) << id << ": unpack";
    mark(r);
  }
}

INSTANTIATE_TEST_SUITE_P(conformance, pack_vectors,
                         ::testing::Values("pack_basic", "pack_ff", "pack_length", "pack_random",
                                           "unpack_noncanonical"));

}  // namespace
}  // namespace stratus::sproto::testing
