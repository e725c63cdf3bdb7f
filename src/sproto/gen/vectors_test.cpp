// Conformance of generated code: every types.jsonl encode/decode record and every malformed
// decode/pdecode record, through the C++ generated at build time from schemas/*.sproto, in both
// string flavours. A generated decoder has no JSON mapping, so a record is checked by decoding
// with generated code, encoding again with generated code and comparing bytes (encode records:
// with `encoded` itself; decode records: what the dynamic decoder makes of them against
// `decoded`).

#include <gtest/gtest.h>

#include <map>

#include "sproto/codec.hpp"
#include "sproto/conformance_support.hpp"
#include "sproto/pack.hpp"
#include "sproto/value_json.hpp"
#include "vectors/addressbook.hpp"
#include "vectors/arrays.hpp"
#include "vectors/maps.hpp"
#include "vectors/nested.hpp"
#include "vectors/readme.hpp"
#include "vectors/rpc.hpp"
#include "vectors/scalars.hpp"
#include "vectors/tags.hpp"
#include "vectors/wide.hpp"

namespace stratus::sproto::testing {
namespace {

namespace v = stratus::sproto::vectors;

// The generated type named `type` of the schema file `schema`.
const gen::type_entry* generated_type(const std::string& schema, const std::string& type) {
  static const std::map<std::string, const std::vector<gen::type_entry>& (*)()> tables = {
      {"addressbook.sproto", &v::addressbook::type_table},
      {"arrays.sproto", &v::arrays::type_table},
      {"maps.sproto", &v::maps::type_table},
      {"nested.sproto", &v::nested::type_table},
      {"readme.sproto", &v::readme::type_table},
      {"rpc.sproto", &v::rpc::type_table},
      {"scalars.sproto", &v::scalars::type_table},
      {"tags.sproto", &v::tags::type_table},
      {"wide.sproto", &v::wide::type_table}};
  auto it = tables.find(schema);
  if (it == tables.end()) return nullptr;
  for (const auto& e : it->second()) {
    if (e.name == type) return &e;
  }
  return nullptr;
}

// Runs `input` through both flavours of the generated type; returns the error of the first
// failure (both flavours must agree), else the re-encoded bytes.
result<std::string> transcode(const json& r, std::string_view input, std::size_t& used) {
  const gen::type_entry* t = generated_type(r["schema"], r["type"]);
  EXPECT_NE(t, nullptr) << r["id"] << ": no generated type";
  if (!t) return make_error(error_kind::unknown_name, "no generated type");
  std::string owned, viewed;
  std::size_t used_view = 0;
  status a = t->owned(input, owned, used);
  status b = t->view(input, viewed, used_view);
  EXPECT_EQ(a.ok(), b.ok()) << r["id"] << ": the flavours disagree";
  if (!a) return a.error();
  EXPECT_EQ(owned, viewed) << r["id"];
  EXPECT_EQ(used, used_view) << r["id"];
  return owned;
}

// The JSON the dynamic decoder makes of `bytes` (the reference for the generated output).
json dynamic_json(const json& r, std::string_view bytes) {
  auto s = vector_schema(r["schema"]);
  const struct_type* t = s->find_type(r["type"].get<std::string>());
  auto d = decode(*s, *t, bytes);
  EXPECT_TRUE(d.ok()) << r["id"] << ": generated output does not decode";
  return d ? value_to_json(*s, *t, d->v) : json();
}

void check_encode_record(const json& r) {
  const std::string encoded = *from_hex(r["encoded"].get<std::string>());
  std::size_t used = 0;
  auto again = transcode(r, encoded, used);
  ASSERT_TRUE(again.ok()) << r["id"] << ": " << again.error().message;
  EXPECT_EQ(to_hex(*again), r["encoded"]) << r["id"] << ": re-encode";
  EXPECT_EQ(used, encoded.size()) << r["id"];
  auto unpacked = unpack(*from_hex(r["packed"].get<std::string>()));
  ASSERT_TRUE(unpacked.ok());
  auto from_packed = transcode(r, *unpacked, used);
  ASSERT_TRUE(from_packed.ok()) << r["id"];
  EXPECT_EQ(to_hex(*from_packed), r["encoded"]) << r["id"] << ": via unpack";
}

void check_decode_record(const json& r, const json& want, std::size_t consumed,
                         std::string_view input) {
  std::size_t used = 0;
  auto again = transcode(r, input, used);
  ASSERT_TRUE(again.ok()) << r["id"] << ": " << again.error().message;
  EXPECT_EQ(used, consumed) << r["id"] << ": consumed";
  EXPECT_TRUE(same_value(dynamic_json(r, *again), want)) << r["id"] << ": decoded";
}

TEST(generated_vectors, types_round_trip) {
  std::size_t n = 0;
  for (const auto& r : records("types.jsonl")) {
    SCOPED_TRACE(r["id"].get<std::string>());
    if (r["op"] == "encode") {
      check_encode_record(r);
    } else if (r["op"] == "decode") {
      check_decode_record(r, r["decoded"], r["consumed"], *from_hex(r["encoded"].get<std::string>()));
    } else {
      continue;  // `default`: a Lua convenience (see conformance_types_test.cpp)
    }
    ++n;
  }
  EXPECT_GT(n, 150u);
}

// Malformed input: the generated decoder fails exactly when the dynamic one does, with the
// same error kind; accepted input decodes to the same value.
TEST(generated_vectors, malformed_decode_matches_dynamic) {
  std::size_t n = 0;
  for (const auto& r : records("malformed.jsonl")) {
    if (r["op"] != "decode" && r["op"] != "pdecode") continue;
    SCOPED_TRACE(r["id"].get<std::string>());
    std::string input = *from_hex(r["input"].get<std::string>());
    if (r["op"] == "pdecode") {
      auto u = unpack(input);
      if (!u) continue;  // an unpack failure, not a decoder case
      input = *u;
    }
    auto s = vector_schema(r["schema"]);
    const struct_type* t = s->find_type(r["type"].get<std::string>());
    auto dynamic = decode(*s, *t, input);
    std::size_t used = 0;
    auto generated = transcode(r, input, used);
    ++n;
    if (dynamic && !generated && generated.error().kind == error_kind::bad_value) {
      // Decodes, but cannot be encoded again (65 levels): the dynamic encoder refuses it too.
      EXPECT_FALSE(encode(*s, *t, dynamic->v).ok()) << r["id"];
      continue;
    }
    ASSERT_EQ(generated.ok(), dynamic.ok())
        << r["id"] << ": " << (dynamic ? generated.error().message : dynamic.error().message);
    if (!dynamic) {
      EXPECT_EQ(generated.error().kind, dynamic.error().kind) << r["id"];
      continue;
    }
    check_decode_record(r, value_to_json(*s, *t, dynamic->v), dynamic->consumed, input);
  }
  EXPECT_GT(n, 30u);
}

}  // namespace
}  // namespace stratus::sproto::testing
