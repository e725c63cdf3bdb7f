// The config keys the cache and database services read: name, type, default, one line of doc, limits.
// Keep them in the order of the commented `config` file at the repository root.
#include "services/service_keys.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace stratus::services {

runtime::config_layer config_keys() {
  using t = runtime::config_type;
  using str = std::string;
  using std::int64_t;
  constexpr int64_t max_port = 65535;
  runtime::config_layer layer{"services", {
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
  }};
  // Keys that become required by the choice of a backend.
  layer.check = [](const runtime::config& cfg) -> std::string {
    auto missing = [&cfg](std::string_view selector, std::string_view choice,
                          std::initializer_list<std::string_view> keys) -> std::string {
      if (cfg.get_string(selector) != choice) return {};
      for (std::string_view key : keys) {
        if (cfg.get_string(key).empty())
          return fmt::format("key '{}' is required when {} = \"{}\"", key, selector, choice);
      }
      return {};
    };
    std::string why = missing("cache", "redis", {"redis_host"});
    return why.empty() ? missing("db", "mysql", {"mysql_host", "mysql_user", "mysql_database"})
                       : why;
  };
  return layer;
}

}  // namespace stratus::services
