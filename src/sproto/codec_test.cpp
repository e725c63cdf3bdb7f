#include "sproto/codec.hpp"

#include <gtest/gtest.h>

#include <random>

#include "sproto/parser.hpp"

namespace stratus::sproto {
namespace {

schema_ptr demo_schema() {
  auto s = parse_schema(R"(
    .Item { id 0 : integer name 1 : string }
    .Pair { k 0 : string v 1 : integer }
    .Bag {
      n 0 : integer
      price 1 : integer(2)
      tags 2 : *string
      items 3 : *Item(id)
      counts 4 : *Pair()
      ratio 5 : double
      ok 6 : boolean
      next 7 : Bag
    }
  )");
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

TEST(codec, lua_like_values_round_trip) {
  auto s = demo_schema();
  value v;
  v["n"] = -5;
  v["price"] = 12.34;
  v["tags"].push_back("a");
  v["tags"].push_back("b");
  v["ratio"] = 0.5;
  v["ok"] = true;
  v["next"]["n"] = 1;
  v["items"].set_key(2, value(object{{"id", 2}, {"name", "two"}}));
  v["counts"].set_key("x", 3);
  auto bytes = encode(*s, "Bag", v);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto d = decode(*s, "Bag", *bytes);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->consumed, bytes->size());
  const value& got = d->v;
  EXPECT_EQ(got["n"].as_int(), -5);
  EXPECT_DOUBLE_EQ(got["price"].as_double(), 12.34);
  EXPECT_EQ(got["tags"][1].as_bytes(), "b");
  EXPECT_EQ(got["next"]["n"].as_int(), 1);
  EXPECT_EQ((*got["items"].find_key(2))["name"].as_bytes(), "two");
  EXPECT_EQ(got["counts"].find_key("x")->as_int(), 3);
  EXPECT_TRUE(got["missing"].is_nil());
}

TEST(codec, wrong_value_kinds_are_reported) {
  auto s = demo_schema();
  value v;
  v["n"] = "twelve";
  auto r = encode(*s, "Bag", v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, error_kind::bad_value);
  EXPECT_NE(r.error().message.find("Bag.n"), std::string::npos);
}

TEST(codec, nesting_deeper_than_64_is_refused_both_ways) {
  auto s = demo_schema();
  value v;
  value* cur = &v;
  for (int i = 0; i < 64; ++i) cur = &(*cur)["next"];
  (*cur)["n"] = 1;  // 65 levels
  auto r = encode(*s, "Bag", v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, error_kind::too_deep);
}

TEST(codec, decode_never_reads_out_of_bounds_on_damaged_input) {
  auto s = demo_schema();
  value v;
  v["n"] = 100000;
  v["tags"].push_back("hello");
  v["items"].push_back(value(object{{"id", 1}, {"name", "one"}}));
  v["next"]["ratio"] = 2.5;
  std::string good = *encode(*s, "Bag", v);
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = good.substr(0, rng() % (good.size() + 1));
    if (!bad.empty() && round % 2) bad[rng() % bad.size()] = static_cast<char>(rng());
    (void)decode(*s, "Bag", bad);  // any result is fine; ASan checks the reads
  }
  EXPECT_FALSE(decode(*s, "Bag", good.substr(0, good.size() - 1)).ok());
}

TEST(codec, decode_to_reuses_the_callers_value) {
  auto s = demo_schema();
  const struct_type& bag = *s->find_type("Bag");
  value full;
  full["n"] = 7;
  full["tags"] = value(array{"first", "second"});
  full["ok"] = true;
  value small;
  small["tags"] = value(array{"only"});
  value out = value(object{{"stale", 1}});  // whatever it held is replaced
  for (const value* v : {&full, &small, &full}) {
    auto bytes = encode(*s, bag, *v);
    ASSERT_TRUE(bytes.ok());
    auto used = decode_to(*s, bag, *bytes, out);
    ASSERT_TRUE(used.ok()) << used.error().message;
    EXPECT_EQ(*used, bytes->size());
    EXPECT_EQ(out, *v);
  }
  EXPECT_FALSE(decode_to(*s, bag, std::string("\x01", 1), out).ok());
}

TEST(codec, decode_view_to_views_strings_in_the_input) {
  auto s = demo_schema();
  const struct_type& bag = *s->find_type("Bag");
  value full;
  full["n"] = 7;
  full["tags"] = value(array{"first", "second"});
  full["items"].set_key(3, value(object{{"id", 3}, {"name", "three"}}));
  full["counts"].set_key("k", 9);
  full["next"]["tags"] = value(array{"inner"});
  value small;
  small["tags"] = value(array{"only"});
  value out = value(object{{"stale", 1}});
  for (const value* v : {&full, &small, &full}) {
    const std::string bytes = *encode(*s, bag, *v);
    auto used = decode_view_to(*s, bag, bytes, out);
    ASSERT_TRUE(used.ok()) << used.error().message;
    EXPECT_EQ(*used, bytes.size());
    EXPECT_EQ(out, *v);
    // Every string is a view into `bytes`.
    const value& tag0 = out["tags"][std::size_t{0}];
    ASSERT_TRUE(tag0.is_bytes_view());
    EXPECT_GE(tag0.bytes().data(), bytes.data());
    EXPECT_LE(tag0.bytes().data() + tag0.bytes().size(), bytes.data() + bytes.size());
    // A value holding views encodes as the owned one does.
    EXPECT_EQ(*encode(*s, bag, out), bytes);
  }
  EXPECT_TRUE(out["counts"].entries()[0].first.is_bytes_view());  // map keys too
  EXPECT_TRUE(out["items"].entries()[0].second["name"].is_bytes_view());
  // decode_to() into the same value replaces the views with owned strings.
  const std::string bytes = *encode(*s, bag, full);
  ASSERT_TRUE(decode_to(*s, bag, bytes, out).ok());
  EXPECT_FALSE(out["tags"][std::size_t{0}].is_bytes_view());
  EXPECT_EQ(out, full);
  EXPECT_FALSE(decode_view_to(*s, bag, std::string("\x01", 1), out).ok());
}

}  // namespace
}  // namespace stratus::sproto
