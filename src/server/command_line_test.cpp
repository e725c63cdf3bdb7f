#include "server/command_line.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace stratus::server {
namespace {

std::variant<command_line, std::string> parse(std::vector<const char*> args) {
  return parse_command_line(args);
}

TEST(command_line, config_as_operand_or_with_dash_c) {
  auto a = std::get<command_line>(parse({"config"}));
  EXPECT_EQ(a.config_path, "config");
  EXPECT_FALSE(a.daemon);
  auto b = std::get<command_line>(parse({"-D", "-c", "my.config"}));
  EXPECT_EQ(b.config_path, "my.config");
  EXPECT_TRUE(b.daemon);
  auto c = std::get<command_line>(parse({"--print-key", "daemon", "-c", "x"}));
  EXPECT_EQ(c.print_key, "daemon");
  EXPECT_EQ(c.config_path, "x");
}

TEST(command_line, mistakes_are_explained) {
  EXPECT_EQ(std::get<std::string>(parse({})), "no config file given");
  EXPECT_EQ(std::get<std::string>(parse({"-c"})), "-c needs a value");
  EXPECT_EQ(std::get<std::string>(parse({"-x", "config"})), "unknown option -x");
  EXPECT_EQ(std::get<std::string>(parse({"a", "b"})), "more than one config file given (a, b)");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse({"-D", "--print-key", "k", "c"})));
  EXPECT_TRUE(std::get<command_line>(parse({"--help"})).help);
  EXPECT_TRUE(std::get<command_line>(parse({"--list-keys"})).list_keys);
}

TEST(command_line, console_subcommand_defaults_to_the_config_here) {
  auto a = std::get<command_line>(parse({"console"}));
  EXPECT_TRUE(a.console);
  EXPECT_EQ(a.config_path, "config");
  auto b = std::get<command_line>(parse({"console", "-c", "my.config"}));
  EXPECT_EQ(b.config_path, "my.config");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse({"console", "-D"})));
  EXPECT_FALSE(std::get<command_line>(parse({"console.config"})).console);  // a file name
}

}  // namespace
}  // namespace stratus::server
