#pragma once
// Test helper: a started node with `.cacheproxyd` and `.dbproxyd` on a given config.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "runtime/config.hpp"
#include "runtime/config_layers.hpp"
#include "runtime/node.hpp"
#include "services/backends.hpp"
#include "services/service_keys.hpp"

namespace stratus::services::testing {

/// A scratch directory removed at destruction.
struct temp_dir {
  std::filesystem::path path;  ///< the directory
  temp_dir() {
    char tmpl[] = "/tmp/stratus-services-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

/// The memory + sqlite config for a scratch dir; `extra` is appended to the config text.
inline std::string embedded_config(const temp_dir& dir, const std::string& extra = "") {
  return "cache = \"memory\"\ndb = \"sqlite\"\nsqlite_path = \"" + (dir.path / "t.db").string() +
         "\"\nmigrations_dir = \"" STRATUS_MIGRATIONS_DIR "\"\n" + extra;
}

/// A node running both backend services.
class backend_node {
 public:
  /// Declares the node's and the services' keys plus `extra` layers, loads `config_text`,
  /// starts the node and launches the services.
  explicit backend_node(const std::string& config_text,
                        std::vector<runtime::config_layer> extra = {})
      : cfg_(load(config_text, std::move(extra))),
        node_(options(), cfg_) {
    node_.start();
    launch_backends(node_, *cfg_);
  }
  ~backend_node() {
    node_.stop();
    node_.wait();
  }
  /// Runs `body` in a temporary service and waits (10 s at most) for it.
  void exec(std::function<runtime::task<void>(runtime::service&)> body) {
    auto f = node_.exec(std::move(body));
    ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    f.get();
  }

 private:
  static std::shared_ptr<const runtime::config> load(const std::string& text,
                                                     std::vector<runtime::config_layer> extra) {
    std::vector<runtime::config_layer> layers{runtime::node_config_keys(),
                                              services::config_keys()};
    for (auto& l : extra) layers.push_back(std::move(l));
    runtime::declare_config_layers(std::move(layers));
    return std::make_shared<const runtime::config>(runtime::config::from_string(text, "test.lua"));
  }
  static runtime::node_options options() {
    runtime::node_options o;
    o.threads = 2;
    o.call_timeout = std::chrono::milliseconds(5000);
    return o;
  }
  std::shared_ptr<const runtime::config> cfg_;
  runtime::node node_;
};

}  // namespace stratus::services::testing

/// ASSERT for coroutine bodies (gtest's ASSERT_* use `return`): fails the test and co_returns.
#define STRATUS_CO_ASSERT(cond)          \
  do {                                   \
    if (!(cond)) {                       \
      ADD_FAILURE() << "failed: " #cond; \
      co_return;                         \
    }                                    \
  } while (0)
