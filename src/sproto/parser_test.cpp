#include "sproto/parser.hpp"

#include <gtest/gtest.h>

namespace stratus::sproto {
namespace {

std::string error_of(std::string_view text) {
  auto s = parse_schema(text, "demo.sproto");
  return s ? std::string("<ok>") : s.error().message;
}

TEST(parser, errors_name_file_line_and_problem) {
  EXPECT_EQ(error_of(".A {\n a 0 : integer\n b 0 : string\n}"),
            "demo.sproto:3: redefine tag 0 in type A");
  EXPECT_EQ(error_of("\n\n.A { x 0 : Nope }"), "demo.sproto:3: Undefined type Nope in type A");
  EXPECT_EQ(error_of(".E { id 0 : integer }\n.A {\n m 0 : *E(nope)\n}"),
            "demo.sproto:3: Invalid map index :nope");
  EXPECT_NE(error_of(".A {\n a 0 integer }").find("demo.sproto:2: syntax error"),
            std::string::npos);
}

TEST(parser, spacing_rules_follow_the_reference) {
  EXPECT_EQ(error_of(".A{}.B{}"), "<ok>");
  EXPECT_NE(error_of(".A{}.B{} .C{}"), "<ok>");  // a separated item after an unseparated run
  EXPECT_NE(error_of(".A { a 0 : * integer }"), "<ok>");
  EXPECT_NE(error_of(".A { a 0 : integer (2) }"), "<ok>");
  EXPECT_NE(error_of(".A {} p 1 { request{ a 0 : integer } }"), "<ok>");
  EXPECT_EQ(error_of(".A { a 0 : integer( 2 ) }"), "<ok>");
}

TEST(parser, rejects_unclear_constructs_with_a_message) {
  EXPECT_NE(error_of(".A { a 0 : string(2) }").find("decimal"), std::string::npos);
  EXPECT_NE(error_of(".A { a 0 : *integer(id) }").find("builtin"), std::string::npos);
  EXPECT_NE(error_of(".A { a 32767 : integer }").find("32766"), std::string::npos);
}

TEST(parser, resolves_nested_names_from_the_inside_out) {
  auto s = parse_schema(".A { .B { x 0 : integer } b 0 : B } .B { y 0 : string } .C { b 0 : B }");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto* a = (*s)->find_type("A");
  const auto* c = (*s)->find_type("C");
  ASSERT_TRUE(a && c);
  EXPECT_EQ((*s)->type_at(a->fields[0].struct_index).name, "A.B");
  EXPECT_EQ((*s)->type_at(c->fields[0].struct_index).name, "B");
}

TEST(parser, protocols_get_inline_types_and_confirm) {
  auto s = parse_schema(
      ".package { type 0 : integer session 1 : integer }\n"
      "signin 3 { request { userid 0 : string } response { ok 0 : boolean } }\n"
      "logout 7 { response nil }");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const protocol* p = (*s)->find_protocol("signin");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*s)->request_type(*p)->name, "signin.request");
  EXPECT_EQ((*s)->find_protocol(std::int64_t{7})->confirm, true);
}

}  // namespace
}  // namespace stratus::sproto
