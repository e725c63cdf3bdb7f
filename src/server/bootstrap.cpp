#include "server/bootstrap.hpp"

#include <chrono>
#include <future>
#include <stdexcept>

#include "admin/launch_admin.hpp"
#include "app/pb_game.hpp"
#include "app/session_handover.hpp"
#include "app/sproto_handlers.hpp"
#include "cluster/cluster.hpp"
#include "cluster/rooms.hpp"
#include "cluster/users.hpp"
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
/// `hub` receives the app's sessions.
gate::agent_factory agent_factory_for(const gate::gate_options& opts,
                                      std::shared_ptr<gate::session_hub>& hub) {
  gate::driver_factory drivers;
  if (opts.protocol_type == "protobuf") {
    auto game = app::make_pb_game(opts);
    hub = game->hub;
    drivers = gate::pb_drivers(std::move(game));
  }
  if (opts.protocol_type == "sproto") {
    // The schemas are parsed once and shared read-only.
    auto game = app::make_sproto_game(opts);
    hub = game->hub;
    drivers = gate::sproto_drivers(std::move(game));
  }
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

  // 0. The cluster link, when `cluster` is set: other nodes may call this one's services as
  // soon as they are up.
  cluster::cluster_options cluster_opts = cluster::options_from(cfg);
  if (!cluster_opts.servers.empty()) {
    if (cfg.get_string("cache") == "memory" || cfg.get_string("db") == "sqlite")
      runtime::log::warn(
          "cluster: node {} uses {}{}{}, which other nodes cannot share: accounts, tokens and "
          "resumes stay per node (set cache = \"redis\" and db = \"mysql\" for a cluster)",
          cluster_opts.node_name, cfg.get_string("cache") == "memory" ? "the in-process cache" : "",
          cfg.get_string("cache") == "memory" && cfg.get_string("db") == "sqlite" ? " and " : "",
          cfg.get_string("db") == "sqlite" ? "SQLite" : "");
    if (node.launch_named<cluster::cluster_service>(".cluster", cluster_opts) == runtime::no_address)
      throw std::runtime_error("cannot launch .cluster");
  }

  // 1. The cache and database proxies (`.cacheproxyd`, `.dbproxyd`).
  services::launch_backends(node, cfg);

  // 2. The connection registry (and the sessions), then the gateway; start-up waits until the
  // port is bound.
  gate::gate_options opts = gate::options_from(cfg);
  std::shared_ptr<gate::session_hub> hub;
  gate::agent_factory agents = agent_factory_for(opts, hub);
  if (node.launch_named<gate::connection_registry>(".ws_proxyd", hub) == runtime::no_address)
    throw std::runtime_error("cannot launch .ws_proxyd");
  // In a cluster, sessions a drain ends wait in the shared cache for a resume on another node.
  if (!cluster_opts.servers.empty() && cfg.get_string("cache") == "redis" &&
      opts.resume_grace.count() > 0)
    hub->set_handover(std::make_shared<app::cache_handover>(opts.resume_grace));
  // In a cluster, `.users` joins the sessions to the other nodes' before a client connects.
  if (!cluster_opts.servers.empty() &&
      node.launch_named<cluster::users_service>(".users", hub, cluster_opts.node_name,
                                                cluster_opts.heartbeat) == runtime::no_address)
    throw std::runtime_error("cannot launch .users");
  if (!cluster_opts.servers.empty() && cfg.get_bool("room_directory") &&
      node.launch_named<cluster::rooms_service>(".rooms", cluster_opts.heartbeat) ==
          runtime::no_address)
    throw std::runtime_error("cannot launch .rooms");
  std::promise<std::uint16_t> ready;
  std::future<std::uint16_t> bound = ready.get_future();
  node.launch_named<gate::gate_service>(".gate", opts, std::move(agents), std::move(ready));
  if (bound.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    throw std::runtime_error("the gateway did not start listening within 10 s");
  bound.get();  // rethrows a bind failure

  // 3. Operations: the admin endpoint and the debug console, when the config turns them on.
  admin::launch_admin(node, cfg);
}

void reload_tls(runtime::node& node) {
  auto reloaded = node.exec([](runtime::service& self) -> runtime::task<void> {
    gate::reload_tls reload;
    auto r = co_await self.call(".gate", reload, std::chrono::milliseconds(5000));
    if (!r) runtime::log::warn("SIGHUP: no answer from .gate ({})", r.error().message);
  });
  (void)reloaded;
}

void drain_and_stop(runtime::node& node, std::chrono::milliseconds timeout) {
  auto drained = node.exec([&node, timeout](runtime::service& self) -> runtime::task<void> {
    const auto started = std::chrono::steady_clock::now();
    gate::stop_accepting stop;
    auto closed = co_await self.call(".gate", stop, std::chrono::milliseconds(1000));
    if (!closed) runtime::log::warn("drain: the gateway did not stop accepting");
    gate::drain_connections all{timeout};
    auto left = co_await self.call(".ws_proxyd", all, timeout + std::chrono::seconds(1));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (!left)
      runtime::log::warn("drain: no answer from .ws_proxyd ({})", left.error().message);
    else if (*left > 0)
      runtime::log::warn("drain: {} connections still busy after {} ms; closing them", *left,
                         took.count());
    else
      runtime::log::info("drain: every connection finished in {} ms", took.count());
    node.stop();
  });
  (void)drained;
}

}  // namespace stratus::server
