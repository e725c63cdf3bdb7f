#include "services/backends.hpp"

#include <stdexcept>

#include "runtime/log.hpp"
#include "services/cache_proxy.hpp"
#include "services/db_proxy.hpp"

namespace stratus::services {

void launch_backends(runtime::node& node, const runtime::config& cfg) {
  auto store = make_kv_store(cfg);
  if (node.launch_named<cache_proxy>(".cacheproxyd", store) == runtime::no_address)
    throw std::runtime_error("cannot launch .cacheproxyd: the name is taken");
  auto db = open_database(cfg, migrations_dir_of(cfg));
  if (node.launch_named<db_proxy>(".dbproxyd", db) == runtime::no_address)
    throw std::runtime_error("cannot launch .dbproxyd: the name is taken");
  runtime::log::info("backends: cache {} db {}", cfg.get_string("cache"), cfg.get_string("db"));
}

}  // namespace stratus::services
