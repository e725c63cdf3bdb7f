#pragma once
// The admin endpoint as a service of its own (`.admin`): GET /metrics, /healthz, /readyz.

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "admin/http_server.hpp"
#include "runtime/service.hpp"

namespace stratus::admin {

/// Where the admin endpoint listens.
struct admin_options {
  std::string host = "127.0.0.1";  ///< `admin_host`
  std::uint16_t port = 0;          ///< `admin_port` (0 here picks a free port)
};

/// Serves the admin HTTP endpoint on its own worker's io_context; each request runs as a
/// coroutine of this service, so a slow backend never blocks another request's answer.
class admin_service : public runtime::service {
 public:
  /// `ready` receives the bound port, or the start-up error.
  admin_service(admin_options opts, std::promise<std::uint16_t> ready);
  ~admin_service() override;

  void on_start() override;
  void on_stop() override;

 private:
  void on_request(const http_request& req, http_responder respond);
  runtime::task<void> answer(http_request req, http_responder respond);

  admin_options opts_;
  std::promise<std::uint16_t> ready_;
  std::unique_ptr<http_server> server_;
  std::vector<runtime::address> heartbeats_;  // one per worker, for /healthz
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace stratus::admin
