#include "server/bootstrap.hpp"

#include <chrono>
#include <future>
#include <stdexcept>

#include "app/pb_game.hpp"
#include "admin/launch_admin.hpp"
#include "app/sproto_handlers.hpp"
#include "codec/protobuf_log.hpp"
#include "gate/connection_registry.hpp"
#include "gate/gate_service.hpp"
#include "gate/agent.hpp"
#include "gate/pb_driver.hpp"
#include "gate/sproto_driver.hpp"
#include "runtime/log.hpp"
#include "services/backends.hpp"

namespace stratus::server {

namespace {

/// The agent started for each connection: one agent, driven by `protocol_type`'s driver.
gate::agent_factory agent_factory_for(const gate::gate_options& opts) {
  gate::driver_factory drivers;
  if (opts.protocol_type == "protobuf") drivers = gate::pb_drivers(app::make_pb_game(opts));
  // sproto: the schemas are parsed once and shared read-only.
  if (opts.protocol_type == "sproto") drivers = gate::sproto_drivers(app::make_sproto_game(opts));
  if (drivers) {
    return [drivers](runtime::node& n, int worker, const net::connection_ptr& conn) {
      gate::start_agent(n, worker, conn, drivers);
    };
  }
  throw std::runtime_error("protocol_type '" + opts.protocol_type +
                           "' is unknown (\"protobuf\" or \"sproto\")");
}

}  // namespace

void bootstrap(runtime::node& node, const runtime::config& cfg) {
  runtime::log::info("bootstrap: {} worker threads, config {}", node.threads(), cfg.file());
  codec::silence_protobuf_parse_logs();

  // 1. The cache and database proxies (`.cacheproxyd`, `.dbproxyd`).
  services::launch_backends(node, cfg);

  // 2. The connection registry, then the gateway; start-up waits until the port is bound.
  if (node.launch_named<gate::connection_registry>(".ws_proxyd") == runtime::no_address)
    throw std::runtime_error("cannot launch .ws_proxyd");
  gate::gate_options opts = gate::options_from(cfg);
  std::promise<std::uint16_t> ready;
  std::future<std::uint16_t> bound = ready.get_future();
  node.launch_named<gate::gate_service>(".gate", opts, agent_factory_for(opts), std::move(ready));
  if (bound.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    throw std::runtime_error("the gateway did not start listening within 10 s");
  bound.get();  // rethrows a bind failure

  // 3. Operations: the admin endpoint and the debug console, when the config turns them on.
  admin::launch_admin(node, cfg);
}

}  // namespace stratus::server
