// Every layer's keys, declared as main() declares them.
#include "server/config_layers.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "runtime/config_layers.hpp"

namespace stratus::server {
namespace {

TEST(config_layers, every_layer_declares_its_keys_once_with_typed_defaults) {
  declare_config_keys();
  std::set<std::string> names, layers;
  for (const runtime::config_layer& layer : runtime::declared_config_layers()) {
    layers.insert(std::string(layer.name));
    for (const runtime::config_key& key : layer.keys) {
      EXPECT_TRUE(names.insert(std::string(key.name)).second) << "declared twice: " << key.name;
      EXPECT_EQ(static_cast<int>(key.fallback.index()), static_cast<int>(key.type)) << key.name;
    }
  }
  EXPECT_EQ(layers,
            (std::set<std::string>{"node", "gate", "cluster", "services", "app", "admin"}));
  for (const char* key : {"thread", "ws_port", "max_connections_per_ip", "login_lockout_s",
                          "redis_host", "admin_port", "console_port", "log_format"})
    EXPECT_NE(runtime::find_config_key(key), nullptr) << key;
  EXPECT_TRUE(runtime::find_config_key("mysql_password")->secret);
  EXPECT_TRUE(runtime::find_config_key("redis_password")->secret);
  EXPECT_FALSE(runtime::find_config_key("thread")->secret);
}

TEST(config_layers, the_services_layer_requires_a_backend_address) {
  declare_config_keys();
  EXPECT_THROW(runtime::config::from_string("cache = \"redis\"", "t"), runtime::config_error);
  EXPECT_NO_THROW(runtime::config::from_string("cache = \"redis\"\nredis_host = \"h\"", "t"));
}

}  // namespace
}  // namespace stratus::server
