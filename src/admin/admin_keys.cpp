// The config keys the admin endpoint and debug console reads: name, type, default, one line of doc, limits.
// Keep them in the order of the commented `config` file at the repository root.
#include "admin/admin_keys.hpp"

#include <string>

namespace stratus::admin {

runtime::config_layer config_keys() {
  using t = runtime::config_type;
  using str = std::string;
  using std::int64_t;
  constexpr int64_t max_port = 65535;
  runtime::config_layer layer{"admin", {
      {"admin_port", t::integer, int64_t{0},
       "HTTP port of /metrics, /healthz, /readyz; 0: off", false, false, {}, 0, max_port},
      {"admin_host", t::string, str{"127.0.0.1"}, "address the admin HTTP endpoint binds"},
      {"console_port", t::integer, int64_t{0}, "TCP port of the debug console; 0: off", false,
       false, {}, 0, max_port},
      {"console_host", t::string, str{"127.0.0.1"}, "address the debug console binds"},
      {"metrics", t::boolean, true,
       "count requests, error replies, handler times, closes and call outcomes for /metrics "
       "(false: skip that per-request work)", false, false},
      {"admin_test_stall", t::boolean, false,
       "tests only: launch .stall and the console's `stall SECONDS` that blocks it", false,
       false},
  }};
  return layer;
}

}  // namespace stratus::admin
