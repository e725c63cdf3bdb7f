// The one list of every config key the framework reads. Keep it in the same order as the
// commented `config` file at the repository root, which documents each key.
#include <string>
#include <vector>

#include "runtime/config.hpp"

namespace stratus::runtime {
namespace {

using t = config_type;
using str = std::string;
using std::int64_t;

std::vector<config_key> make_keys() {
  constexpr int64_t max_port = 65535;
  return {
      // node
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
      // gateway
      {"ws_host", t::string, str{"0.0.0.0"}, "address the WebSocket listener binds"},
      {"ws_port",
       t::integer,
       int64_t{8081},
       "port of the WebSocket listener",
       false,
       false,
       {},
       0,
       max_port},
      {"ws_path", t::string, str{"/"}, "HTTP path clients upgrade on"},
      {"protocol_type",
       t::string,
       str{"sproto"},
       "wire protocol of the gateway",
       false,
       false,
       {"sproto", "protobuf"}},
      {"max_connections",
       t::integer,
       int64_t{10000},
       "open connections accepted at once",
       false,
       false,
       {},
       1},
      {"max_message_size",
       t::integer,
       int64_t{65536},
       "largest incoming message, bytes",
       false,
       false,
       {},
       16},
      {"max_send_queue",
       t::integer,
       int64_t{1 << 20},
       "bytes queued for one slow client",
       false,
       false,
       {},
       1},
      {"max_bad_packets",
       t::integer,
       int64_t{3},
       "undecodable packets before a kick",
       false,
       false,
       {},
       1},
      {"max_pending_requests", t::integer, int64_t{256},
       "requests one connection may queue behind a running handler; more closes it (1008)",
       false, false, {}, 1, 1 << 20},
      {"handshake_timeout_ms",
       t::integer,
       int64_t{5000},
       "time allowed for the HTTP upgrade",
       false,
       false,
       {},
       1},
      {"idle_timeout_ms",
       t::integer,
       int64_t{60000},
       "close a connection silent this long",
       false,
       false,
       {},
       1},
      {"ws_origins", t::string_list, std::vector<str>{}, "allowed Origin headers; empty: any"},
      {"heartbeat_ms", t::integer, int64_t{5000}, "interval of heartbeat pushes in sproto mode", false, false, {}, 1},
      // cache
      {"cache", t::string, str{"memory"}, "cache backend", false, false, {"memory", "redis"}},
      {"redis_host", t::string, str{}, "Redis host (required when cache = \"redis\")"},
      {"redis_port", t::integer, int64_t{6379}, "Redis port", false, false, {}, 1, max_port},
      {"redis_password", t::string, str{}, "Redis password; empty: none", false, true},
      {"redis_db", t::integer, int64_t{0}, "Redis database number", false, false, {}, 0},
      {"redis_pool", t::integer, int64_t{4}, "Redis connections", false, false, {}, 1, 1024},
      {"redis_timeout_ms",
       t::integer,
       int64_t{1000},
       "timeout of one Redis command",
       false,
       false,
       {},
       1},
      // database
      {"db", t::string, str{"sqlite"}, "database backend", false, false, {"sqlite", "mysql"}},
      {"sqlite_path", t::string, str{"run/stratus.db"}, "SQLite file when db = \"sqlite\""},
      {"mysql_host", t::string, str{}, "MySQL/MariaDB host (required when db = \"mysql\")"},
      {"mysql_port",
       t::integer,
       int64_t{3306},
       "MySQL/MariaDB port",
       false,
       false,
       {},
       1,
       max_port},
      {"mysql_user", t::string, str{}, "MySQL user (required when db = \"mysql\")"},
      {"mysql_password", t::string, str{}, "MySQL password", false, true},
      {"mysql_database", t::string, str{}, "MySQL schema (required when db = \"mysql\")"},
      {"mysql_pool", t::integer, int64_t{4}, "MySQL connections", false, false, {}, 1, 1024},
      {"db_timeout_ms", t::integer, int64_t{3000}, "timeout of one query", false, false, {}, 1},
      {"slow_query_ms",
       t::integer,
       int64_t{200},
       "warn when a query runs longer",
       false,
       false,
       {},
       1},
      {"migrations_dir", t::string, std::string("migrations"),
       "numbered SQL files applied once at start-up", false, false, {}},
      // demo game accounts
      {"token_ttl_s", t::integer, int64_t{3600}, "lifetime of a login token (expires_in)", false,
       false, {}, 1},
      {"password_ops", t::integer, int64_t{2}, "Argon2id passes (libsodium INTERACTIVE: 2)", false,
       false, {}, 1, 16},
      {"password_mem_kib", t::integer, int64_t{65536},
       "Argon2id memory in KiB (libsodium INTERACTIVE: 65536)", false, false, {}, 8, 4194304},
  };
}

}  // namespace

std::span<const config_key> declared_config_keys() {
  static const std::vector<config_key> keys = make_keys();
  return keys;
}

const config_key* find_config_key(std::string_view name) {
  for (const config_key& key : declared_config_keys()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

}  // namespace stratus::runtime
