// Conformance: types.jsonl (encode round trips, decode-only inputs). One test per category.
//
// Skipped records: category `default` (op "default"). It tests `sproto:default()`, a Lua
// convenience that builds placeholder tables (`{"__type": ...}`, `{"__array": ...}`); this
// C++ API has no equivalent (absent fields are simply absent).

#include <gtest/gtest.h>

#include "sproto/codec.hpp"
#include "sproto/conformance_support.hpp"
#include "sproto/pack.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::testing {
namespace {

void check_encode(const json& r) {
  const std::string id = r["id"];
  auto s = vector_schema(r["schema"]);
  const struct_type* t = s->find_type(r["type"].get<std::string>());
  ASSERT_NE(t, nullptr) << id;
  auto v = value_from_json(*s, *t, r["value"]);
  ASSERT_TRUE(v.ok()) << id << ": " << v.error().message;
  auto bytes = encode(*s, *t, *v);
  ASSERT_TRUE(bytes.ok()) << id << ": " << bytes.error().message;
  EXPECT_EQ(to_hex(*bytes), r["encoded"]) << id << ": encode";
  auto expected = *from_hex(r["encoded"].get<std::string>());
  EXPECT_EQ(to_hex(pack(expected)), r["packed"]) << id << ": pack";
  auto d = decode(*s, *t, expected);
  ASSERT_TRUE(d.ok()) << id << ": " << d.error().message;
  EXPECT_EQ(d->consumed, expected.size()) << id << ": consumed";
  EXPECT_TRUE(same_value(value_to_json(*s, *t, d->v), r["decoded"]))
      << id << ": decode gave " << value_to_json(*s, *t, d->v).dump();
  auto unpacked = unpack(*from_hex(r["packed"].get<std::string>()));
  ASSERT_TRUE(unpacked.ok()) << id;
  auto d2 = decode(*s, *t, *unpacked);
  ASSERT_TRUE(d2.ok()) << id << ": " << d2.error().message;
  EXPECT_TRUE(same_value(value_to_json(*s, *t, d2->v), r["decoded"])) << id << ": pdecode";
  mark(r);
}

void check_decode(const json& r) {
  const std::string id = r["id"];
  auto s = vector_schema(r["schema"]);
  const struct_type* t = s->find_type(r["type"].get<std::string>());
  ASSERT_NE(t, nullptr) << id;
  auto d = decode(*s, *t, *from_hex(r["encoded"].get<std::string>()));
  ASSERT_TRUE(d.ok()) << id << ": " << d.error().message;
  EXPECT_EQ(d->consumed, r["consumed"].get<std::size_t>()) << id << ": consumed";
  EXPECT_TRUE(same_value(value_to_json(*s, *t, d->v), r["decoded"]))
      << id << ": decode gave " << value_to_json(*s, *t, d->v).dump();
  mark(r);
}

void run_category(const std::string& category) {
  auto rs = records_of("types.jsonl", category);
  ASSERT_FALSE(rs.empty()) << "no records in category " << category;
  for (const auto& r : rs) {
    SCOPED_TRACE(r["id"].get<std::string>());
    if (r["op"] == "encode") {
      check_encode(r);
    } else if (r["op"] == "decode") {
      check_decode(r);
    } else if (r["op"] == "default") {
      mark(r, "skipped: default() placeholder tables are a Lua-API convenience");
    } else {
      ADD_FAILURE() << r["id"] << ": unknown op " << r["op"];
    }
  }
}

class types_vectors : public ::testing::TestWithParam<std::string> {};

TEST_P(types_vectors, match_reference) {
  run_category(GetParam());
}

INSTANTIATE_TEST_SUITE_P(conformance, types_vectors,
                         ::testing::Values("readme", "integer", "boolean", "string", "binary",
                                           "double", "decimal", "struct", "missing_fields",
                                           "nested", "deep", "wide", "tags", "array_integer",
                                           "array_boolean", "array_string", "array_double",
                                           "array_struct", "array_empty", "map_key", "map_pair",
                                           "large", "compat", "decode_noncanonical", "default"));

}  // namespace
}  // namespace stratus::sproto::testing
