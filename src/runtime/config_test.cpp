#include "runtime/config.hpp"
#include "runtime/config_layers.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace stratus::runtime {
namespace {

namespace fs = std::filesystem;

std::string error_of(std::string_view text, std::string name = "./config") {
  try {
    config::from_string(text, std::move(name));
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

/// A fresh temporary folder removed at the end of the test.
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("stratus_config_test_" + std::to_string(getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
  void write(const fs::path& name, std::string_view text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
};

/// A stand-in for the upper layers' keys (the real ones live in gate/, services/, ...), declared
/// with the node's for each test, as main() declares them.
config_layer test_layer() {
  using t = config_type;
  constexpr std::int64_t max_port = 65535;
  config_layer layer{"test",
                     {
                         {"ws_host", t::string, std::string("0.0.0.0"), "listener address"},
                         {"ws_port", t::integer, std::int64_t{8081}, "listener port", false,
                          false, {}, 0, max_port},
                         {"ws_path", t::string, std::string("/"), "upgrade path"},
                         {"max_send_queue", t::integer, std::int64_t{1 << 20}, "send queue",
                          false, false, {}, 1},
                         {"ws_origins", t::string_list, std::vector<std::string>{}, "origins"},
                         {"cache", t::string, std::string("memory"), "cache", false, false,
                          {"memory", "redis"}},
                         {"redis_host", t::string, std::string(), "redis host"},
                         {"redis_password", t::string, std::string(), "secret", false, true},
                         {"db", t::string, std::string("sqlite"), "db", false, false,
                          {"sqlite", "mysql"}},
                         {"mysql_host", t::string, std::string(), "mysql host"},
                         {"mysql_user", t::string, std::string(), "mysql user"},
                         {"mysql_database", t::string, std::string(), "mysql schema"},
                         {"mysql_password", t::string, std::string(), "secret", false, true},
                     }};
  layer.check = [](const config& cfg) -> std::string {
    if (cfg.get_string("cache") == "redis" && cfg.get_string("redis_host").empty())
      return "key 'redis_host' is required when cache = \"redis\"";
    if (cfg.get_string("db") == "mysql") {
      for (const char* key : {"mysql_host", "mysql_user", "mysql_database"})
        if (cfg.get_string(key).empty())
          return std::string("key '") + key + "' is required when db = \"mysql\"";
    }
    return {};
  };
  return layer;
}

/// Declares the node's keys and the test layer before each test, the node's alone after.
class config_file : public ::testing::Test {
 protected:
  void SetUp() override { declare_config_layers({node_config_keys(), test_layer()}); }
  void TearDown() override { declare_config_layers({node_config_keys()}); }
};

TEST_F(config_file, reads_every_value_type_and_keeps_unknown_keys) {
  auto cfg = config::from_string(R"(
    -- a skynet-style comment
    thread = 8
    log_level = "debug"   -- trailing comment
    ratio = 0.25
    verbose = true
    ws_origins = {"http://a", "http://b"}
    my_service_key = "kept"
  )",
                                 "test");
  EXPECT_EQ(cfg.get_int("thread"), 8);
  EXPECT_EQ(cfg.get_string("log_level"), "debug");
  EXPECT_DOUBLE_EQ(cfg.get_double("ratio"), 0.25);
  EXPECT_TRUE(cfg.get_bool("verbose"));
  EXPECT_EQ(cfg.get_strings("ws_origins"), (std::vector<std::string>{"http://a", "http://b"}));
  EXPECT_EQ(cfg.get_string("my_service_key"), "kept");
  EXPECT_TRUE(cfg.has("my_service_key"));
  EXPECT_FALSE(cfg.has("include"));
  EXPECT_EQ(cfg.file(), "test");
}

TEST_F(config_file, absent_declared_keys_give_their_defaults) {
  auto cfg = config::from_string("", "empty");
  EXPECT_EQ(cfg.get_int("thread"), 2);
  EXPECT_EQ(cfg.get_string("log_level"), "info");
  EXPECT_EQ(cfg.get_string("logger"), "");
  EXPECT_EQ(cfg.get_string("daemon"), "run/stratus.pid");
  EXPECT_EQ(cfg.get_int("call_timeout_ms"), 5000);
  EXPECT_EQ(cfg.get_int("ws_port"), 8081);
  EXPECT_EQ(cfg.get_int("max_send_queue"), 1 << 20);
  EXPECT_TRUE(cfg.get_strings("ws_origins").empty());
  EXPECT_FALSE(cfg.has("thread"));
  EXPECT_THROW(cfg.get_string("nobody_declared_this"), std::out_of_range);
}

TEST_F(config_file, wrong_type_names_key_and_file) {
  EXPECT_EQ(error_of("thread = \"x\""),
            "config error in ./config: key 'thread' must be an integer (got string \"x\")");
  EXPECT_EQ(error_of("thread = 2.5"),
            "config error in ./config: key 'thread' must be an integer (got number 2.5)");
  EXPECT_EQ(error_of("ws_host = 80", "my.config"),
            "config error in my.config: key 'ws_host' must be a string (got integer 80)");
  EXPECT_NE(error_of("ws_origins = {1, 2}").find("key 'ws_origins' must be a list of strings"),
            std::string::npos);
  EXPECT_NE(error_of("odd = function() end").find("key 'odd'"), std::string::npos);
}

TEST_F(config_file, lossless_number_conversions_are_accepted) {
  auto cfg = config::from_string("thread = 4.0\nlimit = 3", "t");
  EXPECT_EQ(cfg.get_int("thread"), 4);
  EXPECT_DOUBLE_EQ(cfg.get_double("limit"), 3.0);
}

TEST_F(config_file, enumerations_and_ranges_are_checked) {
  EXPECT_EQ(error_of("log_level = \"loud\""),
            "config error in ./config: key 'log_level' must be one of "
            "trace|debug|info|warn|error (got \"loud\")");
  EXPECT_NE(error_of("thread = 0").find("key 'thread' must be between 1 and 1024 (got 0)"),
            std::string::npos);
  EXPECT_NE(error_of("ws_port = 70000").find("key 'ws_port'"), std::string::npos);
}

TEST_F(config_file, backend_choice_makes_keys_required) {
  EXPECT_EQ(error_of("cache = \"redis\""),
            "config error in ./config: key 'redis_host' is required when cache = \"redis\"");
  EXPECT_NE(error_of("db = \"mysql\"\nmysql_host = \"h\"").find("'mysql_user'"), std::string::npos);
  EXPECT_NO_THROW(config::from_string("cache = \"redis\"\nredis_host = \"127.0.0.1\"", "t"));
}

TEST_F(config_file, syntax_errors_name_the_file) {
  std::string error = error_of("thread = = 3", "bad.config");
  EXPECT_EQ(error.rfind("config error in bad.config: bad.config:1:", 0), 0u) << error;
}

TEST_F(config_file, dollar_names_are_replaced_from_the_environment) {
  ::setenv("STRATUS_TEST_PORT", "9100", 1);
  ::setenv("STRATUS_TEST_HOST", "10.0.0.7", 1);
  auto cfg =
      config::from_string("ws_port = $STRATUS_TEST_PORT\nws_host = \"$STRATUS_TEST_HOST\"", "t");
  EXPECT_EQ(cfg.get_int("ws_port"), 9100);
  EXPECT_EQ(cfg.get_string("ws_host"), "10.0.0.7");
  ::unsetenv("STRATUS_TEST_UNSET");
  EXPECT_EQ(error_of("x = \"$STRATUS_TEST_UNSET\""),
            "config error in ./config: environment variable 'STRATUS_TEST_UNSET' is not set "
            "(used as $STRATUS_TEST_UNSET)");
  EXPECT_EQ(config::from_string("price = \"5$\"", "t").get_string("price"), "5$");
}

TEST_F(config_file, include_resolves_against_the_including_file) {
  temp_dir dir;
  dir.write("etc/main.config", "thread = 3\ninclude \"parts/net.lua\"\nafter = ws_port + 1\n");
  dir.write("etc/parts/net.lua", "ws_port = 9000\ninclude \"more.lua\"\n");
  dir.write("etc/parts/more.lua", "ws_path = \"/game\"\n");
  auto cfg = config::load(dir.path / "etc/main.config");
  EXPECT_EQ(cfg.get_int("thread"), 3);
  EXPECT_EQ(cfg.get_int("ws_port"), 9000);
  EXPECT_EQ(cfg.get_string("ws_path"), "/game");
  EXPECT_EQ(cfg.get_int("after"), 9001);
  EXPECT_EQ(cfg.file(), (dir.path / "etc/main.config").string());
}

TEST_F(config_file, errors_inside_an_include_name_the_included_file) {
  temp_dir dir;
  dir.write("main.config", "include \"inner.lua\"\n");
  dir.write("inner.lua", "x = \"$STRATUS_TEST_UNSET\"\n");
  ::unsetenv("STRATUS_TEST_UNSET");
  try {
    config::load(dir.path / "main.config");
    FAIL() << "expected a config_error";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("config error in " + (dir.path / "inner.lua").string()),
              std::string::npos)
        << e.what();
  }
  dir.write("loop.config", "include \"loop.config\"\n");
  EXPECT_THROW(config::load(dir.path / "loop.config"), config_error);
  EXPECT_THROW(config::load(dir.path / "missing.config"), config_error);
}

TEST_F(config_file, an_endless_loop_stops_with_an_error_instead_of_hanging) {
  EXPECT_EQ(error_of("while true do end"),
            "config error in ./config: evaluation did not finish (endless loop?)");
  // Ordinary computation stays well inside the budget.
  auto cfg = config::from_string("n = 0\nfor i = 1, 100000 do n = n + i end", "t");
  EXPECT_EQ(cfg.get_int("n"), 5000050000);
}

TEST_F(config_file, layers_are_declared_in_order_and_keys_found_across_them) {
  auto layers = declared_config_layers();
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].name, "node");
  EXPECT_EQ(layers[1].name, "test");
  EXPECT_NE(find_config_key("thread"), nullptr);
  EXPECT_TRUE(find_config_key("redis_password")->secret);
  EXPECT_EQ(find_config_key("nobody_declared_this"), nullptr);
  for (const config_key& key : node_config_keys().keys) {
    EXPECT_EQ(static_cast<int>(key.fallback.index()), static_cast<int>(key.type)) << key.name;
  }
}

}  // namespace
}  // namespace stratus::runtime
