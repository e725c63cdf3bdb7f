// The runtime's own config keys (the node), and the table of every layer's keys that main
// declares (declare_config_layers) before the config is loaded.
#include <string>
#include <vector>

#include "runtime/config.hpp"
#include "runtime/config_layers.hpp"

namespace stratus::runtime {
namespace {

/// The declared layers and their keys flattened, in declaration order.
struct key_table {
  std::vector<config_layer> layers;
  std::vector<config_key> flat;

  void set(std::vector<config_layer> l) {
    layers = std::move(l);
    flat.clear();
    for (const config_layer& layer : layers) flat.insert(flat.end(), layer.keys.begin(), layer.keys.end());
  }
};

key_table& table() {
  static key_table t = [] {
    key_table k;
    k.set({node_config_keys()});
    return k;
  }();
  return t;
}

}  // namespace

config_layer node_config_keys() {
  using t = config_type;
  using str = std::string;
  using std::int64_t;
  return {"node", {
      {"thread",
       t::integer,
       int64_t{2},
       "worker threads that run services",
       false,
       false,
       {},
       1,
       1024},
      {"log_level",
       t::string,
       str{"info"},
       "lowest level written to the log",
       false,
       false,
       {"trace", "debug", "info", "warn", "error"}},
      {"log_format", t::string, str{"text"},
       "shape of log lines: text, or json (one object per line: time level service msg)", false,
       false, {"text", "json"}},
      {"logger", t::string, str{}, "log file; empty: run/stratus.log with -D, stdout otherwise"},
      {"daemon", t::string, str{"run/stratus.pid"}, "pid file used by -D and -k"},
      {"call_timeout_ms",
       t::integer,
       int64_t{5000},
       "default timeout of every call",
       false,
       false,
       {},
       1},
      {"slow_handler_ms",
       t::integer,
       int64_t{1000},
       "warn when one handler runs longer",
       false,
       false,
       {},
       1},
      {"mailbox_warn",
       t::integer,
       int64_t{1024},
       "warn when a mailbox grows past this length",
       false,
       false,
       {},
       1},
  }};
}

void declare_config_layers(std::vector<config_layer> layers) {
  table().set(std::move(layers));
}

std::span<const config_layer> declared_config_layers() {
  return table().layers;
}

std::span<const config_key> declared_config_keys() {
  return table().flat;
}

const config_key* find_config_key(std::string_view name) {
  for (const config_key& key : declared_config_keys()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

}  // namespace stratus::runtime
