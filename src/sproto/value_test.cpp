#include "sproto/value.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace stratus::sproto {
namespace {

TEST(value, byte_view_reads_and_compares_like_owned_bytes) {
  std::string buffer = "hello world";
  value v;
  v.assign_bytes_view(buffer.data(), 5);
  EXPECT_TRUE(v.is_bytes());
  EXPECT_TRUE(v.is_bytes_view());
  EXPECT_EQ(v.type(), value::kind::bytes);
  EXPECT_EQ(v.bytes(), "hello");
  EXPECT_EQ(v.bytes().data(), buffer.data());  // no copy
  EXPECT_THROW((void)v.as_bytes(), std::bad_variant_access);
  EXPECT_EQ(v, value("hello"));
  EXPECT_FALSE(v == value("hellO"));
  EXPECT_TRUE(key_less(value("hell"), v));
  EXPECT_TRUE(key_less(v, value("help")));
  EXPECT_EQ(value("hello").bytes(), "hello");  // bytes() reads owned strings too
  EXPECT_THROW((void)value(1).bytes(), std::bad_variant_access);
}

TEST(value, own_bytes_copies_a_view_and_assign_bytes_replaces_it) {
  std::string buffer = "abc";
  value v;
  v.assign_bytes_view(buffer.data(), buffer.size());
  value copy = v;  // copies the view, not the bytes
  EXPECT_TRUE(copy.is_bytes_view());
  v.own_bytes();
  EXPECT_FALSE(v.is_bytes_view());
  buffer[0] = 'x';
  EXPECT_EQ(v.as_bytes(), "abc");
  EXPECT_EQ(copy.bytes(), "xbc");
  copy.assign_bytes("new", 3);
  EXPECT_FALSE(copy.is_bytes_view());
  EXPECT_EQ(copy.as_bytes(), "new");
  value number(5);
  number.own_bytes();  // no-op on other kinds
  EXPECT_EQ(number, value(5));
}

}  // namespace
}  // namespace stratus::sproto
