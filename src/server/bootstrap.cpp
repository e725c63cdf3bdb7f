#include "server/bootstrap.hpp"

#include "runtime/log.hpp"

namespace stratus::server {

void bootstrap(runtime::node& node, const runtime::config& cfg) {
  // Later issues add, in this order: the cache and database proxies (`.cacheproxyd`,
  // `.dbproxyd`), then the gateway on ws_host:ws_port, e.g.
  //   node.register_type<services::cache_proxy>("cacheproxyd");
  //   node.launch("cacheproxyd", {});
  runtime::log::info("bootstrap: {} worker threads, config {}", node.threads(), cfg.file());
}

}  // namespace stratus::server
