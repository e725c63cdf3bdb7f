#include "gate/gate_service.hpp"

#include "runtime/log.hpp"

namespace stratus::gate {

/// Starts agents for upgraded connections. Connections finish their upgrade on their own
/// threads and may do so while the gate stops, so this outlives the gate and refuses new
/// connections (1001) once it is closed.
struct gate_service::launcher {
  runtime::node& node;
  agent_factory make_agent;
  std::unordered_map<const boost::asio::io_context*, int> worker_of;  // read-only once built
  std::atomic<bool> open{true};

  void on_open(const net::connection_ptr& conn) {
    if (!open.load(std::memory_order_acquire)) {
      conn->close(1001, "server going away");
      return;
    }
    auto it = worker_of.find(&conn->get_executor().context());
    make_agent(node, it == worker_of.end() ? 0 : it->second, conn);
  }
};

gate_service::gate_service(gate_options opts, agent_factory make_agent,
                           std::promise<std::uint16_t> ready)
    : opts_(std::move(opts)), make_agent_(std::move(make_agent)), ready_(std::move(ready)) {}

gate_service::~gate_service() = default;

void gate_service::on_start() {
  runtime::node& n = owner();
  launcher_ = std::make_shared<launcher>(n, make_agent_);
  std::vector<boost::asio::io_context*> workers;
  for (int i = 0; i < n.threads(); ++i) {
    workers.push_back(&n.io_context(i));
    launcher_->worker_of[&n.io_context(i)] = i;
  }
  auto on_open = [l = launcher_](const net::connection_ptr& conn) { l->on_open(conn); };
  listener_ = std::make_unique<net::ws_listener>(io_context(), workers, opts_.ws, on_open);
  if (opts_.tcp.listen.port != 0) {
    tcp_listener_ = std::make_unique<net::ws_listener>(io_context(), workers, opts_.tcp, on_open);
  }
  // Per connection, so at debug level: a scanner would otherwise fill the log.
  auto log_refusal = [](const std::string& line) { runtime::log::debug("gateway: {}", line); };
  listener_->set_refusal_log(log_refusal);
  if (tcp_listener_) tcp_listener_->set_refusal_log(log_refusal);
  try {
    listener_->start();
    if (tcp_listener_) tcp_listener_->start();
  } catch (const std::exception& e) {
    runtime::log::error("gateway cannot listen: {}", e.what());
    ready_.set_exception(std::current_exception());
    listener_.reset();
    tcp_listener_.reset();
    exit();
    return;
  }
  const bool tls = opts_.ws.listen.tls.enabled();
  if (tcp_listener_) {
    runtime::log::info("gateway listening for TCP{} clients on {}:{} ({} mode)",
                       opts_.tcp.listen.tls.enabled() ? " (TLS)" : "", opts_.tcp.listen.host,
                       tcp_listener_->port(), opts_.protocol_type);
  }
  runtime::log::info("gateway listening on {}://{}:{}{} ({} mode, up to {} connections)",
                     tls ? "wss" : "ws", opts_.ws.listen.host, listener_->port(),
                     opts_.ws.listen.path, opts_.protocol_type, opts_.ws.listen.max_connections);
  if (tls) runtime::log::info("TLS certificate {}", opts_.ws.listen.tls.cert);
  if (!opts_.ws.listen.www.root.empty()) {
    runtime::log::info("static files from {} on {}://{}:{}/ (www_root)",
                       opts_.ws.listen.www.root, tls ? "https" : "http", opts_.ws.listen.host,
                       listener_->port());
  }
  ready_.set_value(listener_->port());
}

void gate_service::describe(runtime::handlers<gate_service>& h) {
  h.on(&gate_service::on_stop_accepting);
  h.on(&gate_service::on_reload_tls);
}

bool gate_service::on_reload_tls(reload_tls) {
  bool ok = true;
  auto reload = [&ok](net::ws_listener* listener, const char* which) {
    if (listener == nullptr || !listener->options().listen.tls.enabled()) return;
    const net::tls_files& files = listener->options().listen.tls;
    net::tls_load_result r = listener->reload_tls();
    if (r.context) {
      runtime::log::info("TLS ({}): reloaded {} and {}: {}", which, files.cert, files.key,
                         r.description);
    } else {
      ok = false;
      runtime::log::error("TLS ({}): cannot reload: {}; the previous certificate stays in use",
                          which, r.error);
    }
  };
  reload(listener_.get(), "ws");
  reload(tcp_listener_.get(), "tcp");
  if (!opts_.ws.listen.tls.enabled() && !opts_.tcp.listen.tls.enabled())
    runtime::log::debug("TLS: off (ws_tls_cert is empty), nothing to reload");
  return ok;
}

bool gate_service::on_stop_accepting(stop_accepting) {
  if (launcher_) launcher_->open.store(false, std::memory_order_release);
  if (tcp_listener_) tcp_listener_->stop();
  if (listener_ && !stopped_) {
    listener_->stop();
    runtime::log::info("gateway stopped accepting ({} connections served)",
                       listener_->stats().accepted.load());
  }
  stopped_ = true;
  return true;
}

void gate_service::on_stop() {
  on_stop_accepting({});
}

}  // namespace stratus::gate
