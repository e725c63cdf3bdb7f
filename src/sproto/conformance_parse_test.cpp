// Conformance: parse.jsonl (schema compiler accepts/rejects, resolved tables) and
// schemas.jsonl (tables of every vector schema). The binary bundle is not produced by this
// implementation, so `bundle` fields are not compared.

#include <gtest/gtest.h>

#include "sproto/conformance_support.hpp"
#include "sproto/parser.hpp"

namespace stratus::sproto::testing {
namespace {

void expect_tables(const schema& s, const json& r, const std::string& id) {
  json mine = schema_tables(s);
  EXPECT_TRUE(same_value(mine["types"], r["types"]))
      << id << ": types\n mine: " << mine["types"].dump() << "\n want: " << r["types"].dump();
  EXPECT_TRUE(same_value(mine["protocols"], r["protocols"]))
      << id << ": protocols\n mine: " << mine["protocols"].dump()
      << "\n want: " << r["protocols"].dump();
}

TEST(parse_vectors, parse_ok) {
  auto rs = records_of("parse.jsonl", "parse_ok");
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) {
    const std::string id = r["id"];
    ASSERT_EQ(r["outcome"], "ok") << id;
    auto s = parse_schema(r["text"].get<std::string>());
    ASSERT_TRUE(s.ok()) << id << ": " << s.error().message;
    expect_tables(**s, r, id);
    // The reference loader refuses a bundle without types.
    EXPECT_EQ(!(*s)->types().empty(), r["loadable"].get<bool>()) << id << ": loadable";
    mark(r);
  }
}

TEST(parse_vectors, parse_error) {
  auto rs = records_of("parse.jsonl", "parse_error");
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) {
    const std::string id = r["id"];
    ASSERT_EQ(r["outcome"], "error") << id;
    auto s = parse_schema(r["text"].get<std::string>(), "t.sproto");
    ASSERT_FALSE(s.ok()) << id << ": accepted";
    // Errors name the source and the line.
    EXPECT_EQ(s.error().message.rfind("t.sproto:", 0), 0u) << id << ": " << s.error().message;
    mark(r);
  }
}

TEST(schema_vectors, tables_match_reference) {
  const auto& rs = records("schemas.jsonl");
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) {
    const std::string name = r["schema"];
    expect_tables(*vector_schema(name), r, name);
  }
}

}  // namespace
}  // namespace stratus::sproto::testing
