#include "admin/admin_service.hpp"

#include <stdexcept>

#include "admin/health_checks.hpp"
#include "admin/metric_families.hpp"
#include "admin/snapshot_collector.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

namespace stratus::admin {

namespace http = boost::beast::http;

admin_service::admin_service(admin_options opts, std::promise<std::uint16_t> ready)
    : opts_(std::move(opts)), ready_(std::move(ready)) {}

admin_service::~admin_service() = default;

void admin_service::on_start() {
  runtime::node& n = owner();
  if (!register_name(".admin")) {
    ready_.set_exception(std::make_exception_ptr(std::runtime_error(".admin runs already")));
    exit();
    return;
  }
  for (int w = 0; w < n.threads(); ++w) heartbeats_.push_back(n.launch_on<heartbeat>(w));
  server_ = std::make_unique<http_server>(io_context(),
                                          [this](const http_request& req, http_responder respond) {
                                            on_request(req, std::move(respond));
                                          });
  try {
    server_->start(opts_.host, opts_.port);
  } catch (const std::exception& e) {
    runtime::log::error("admin endpoint cannot listen: {}", e.what());
    ready_.set_exception(std::current_exception());
    server_.reset();
    exit();
    return;
  }
  runtime::log::info("admin endpoint on http://{}:{} (/metrics /healthz /readyz)", opts_.host,
                     server_->port());
  ready_.set_value(server_->port());
}

void admin_service::on_stop() {
  if (server_) server_->stop();
  for (runtime::address a : heartbeats_) owner().kill(a);
}

void admin_service::on_request(const http_request& req, http_responder respond) {
  enter([&] { fork(answer(req, std::move(respond))); });
}

runtime::task<void> admin_service::answer(http_request req, http_responder respond) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    respond(make_response(req, http::status::method_not_allowed, "text/plain", "GET only\n"));
    co_return;
  }
  if (path == "/metrics") {
    metrics_snapshot snap = co_await collect_snapshot(*this, started_);
    respond(make_response(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                          render_metrics(snap)));
  } else if (path == "/healthz") {
    check_report r = co_await check_live(*this, heartbeats_);
    respond(make_response(req, r.ok ? http::status::ok : http::status::service_unavailable,
                          "application/json", r.json() + "\n"));
  } else if (path == "/readyz") {
    check_report r = co_await check_ready(*this);
    respond(make_response(req, r.ok ? http::status::ok : http::status::service_unavailable,
                          "application/json", r.json() + "\n"));
  } else {
    respond(make_response(req, http::status::not_found, "text/plain",
                          "not found: try /metrics, /healthz, /readyz\n"));
  }
}

}  // namespace stratus::admin
