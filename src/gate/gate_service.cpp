#include "gate/gate_service.hpp"

#include "runtime/log.hpp"

namespace stratus::gate {

gate_service::gate_service(gate_options opts, agent_factory make_agent,
                           std::promise<std::uint16_t> ready)
    : opts_(std::move(opts)), make_agent_(std::move(make_agent)), ready_(std::move(ready)) {}

gate_service::~gate_service() = default;

void gate_service::on_start() {
  runtime::node& n = owner();
  std::vector<boost::asio::io_context*> workers;
  for (int i = 0; i < n.threads(); ++i) {
    workers.push_back(&n.io_context(i));
    worker_of_[&n.io_context(i)] = i;
  }
  listener_ = std::make_unique<net::ws_listener>(
      io_context(), std::move(workers), opts_.ws,
      [this](const net::ws_connection_ptr& conn) { on_open(conn); });
  try {
    listener_->start();
  } catch (const std::exception& e) {
    runtime::log::error("gateway cannot listen: {}", e.what());
    ready_.set_exception(std::current_exception());
    listener_.reset();
    exit();
    return;
  }
  runtime::log::info("gateway listening on {}:{}{} ({} mode, up to {} connections)",
                     opts_.ws.listen.host, listener_->port(), opts_.ws.listen.path,
                     opts_.protocol_type, opts_.ws.listen.max_connections);
  ready_.set_value(listener_->port());
}

void gate_service::on_stop() {
  if (listener_) {
    listener_->stop();
    runtime::log::info("gateway stopped accepting ({} connections served)",
                       listener_->stats().accepted.load());
  }
}

void gate_service::on_open(const net::ws_connection_ptr& conn) {
  // Runs on the connection's worker thread, concurrently with other workers: read-only state.
  auto it = worker_of_.find(&conn->get_executor().context());
  make_agent_(owner(), it == worker_of_.end() ? 0 : it->second, conn);
}

}  // namespace stratus::gate
