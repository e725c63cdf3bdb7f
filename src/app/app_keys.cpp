// The config keys the demo game (accounts, login throttling) reads: name, type, default, one line of doc, limits.
// Keep them in the order of the commented `config` file at the repository root.
#include "app/app_keys.hpp"

#include <string>

namespace stratus::app {

runtime::config_layer config_keys() {
  using t = runtime::config_type;
  using str = std::string;
  using std::int64_t;

  runtime::config_layer layer{"app", {
      {"token_ttl_s", t::integer, int64_t{3600}, "lifetime of a login token (expires_in)", false,
       false, {}, 1},
      {"password_ops", t::integer, int64_t{2}, "Argon2id passes (libsodium INTERACTIVE: 2)", false,
       false, {}, 1, 16},
      {"password_mem_kib", t::integer, int64_t{65536},
       "Argon2id memory in KiB (libsodium INTERACTIVE: 65536)", false, false, {}, 8, 4194304},
      {"password_concurrency", t::integer, int64_t{2},
       "password hashes computed at once (memory: this x password_mem_kib)", false, false, {}, 1,
       256},
      {"password_queue", t::integer, int64_t{64},
       "password hashes that may wait; more logins get RATE_LIMITED", false, false, {}, 1},
      {"login_max_failures", t::integer, int64_t{5},
       "failed logins of one account per login_window_s before a lock-out", false, false, {}, 1},
      {"login_ip_max_failures", t::integer, int64_t{50},
       "failed logins from one IP address per login_window_s before a lock-out", false, false,
       {}, 1},
      {"login_max_concurrent", t::integer, int64_t{32},
       "password checks of one account at once; more logins of it get RATE_LIMITED", false,
       false, {}, 1},
      {"login_window_s", t::integer, int64_t{60}, "how long failed logins are counted", false,
       false, {}, 1},
      {"login_lockout_s", t::integer, int64_t{30},
       "first lock-out after too many failures (RATE_LIMITED); doubles while they go on, up to "
       "64x", false, false, {}, 1},
  }};
  return layer;
}

}  // namespace stratus::app
