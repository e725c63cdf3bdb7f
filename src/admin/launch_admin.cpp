#include "admin/launch_admin.hpp"

#include <chrono>
#include <future>
#include <stdexcept>

#include "admin/admin_service.hpp"
#include "admin/console_service.hpp"
#include "admin/stall_service.hpp"
#include "gate/request_metrics.hpp"
#include "runtime/call_metrics.hpp"

namespace stratus::admin {

namespace {

/// Waits for a listener's port; rethrows its bind failure.
void wait_listening(std::future<std::uint16_t>& bound, const char* what) {
  if (bound.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    throw std::runtime_error(std::string(what) + " did not start listening within 10 s");
  bound.get();
}

}  // namespace

void launch_admin(runtime::node& node, const runtime::config& cfg) {
  gate::request_metrics::instance().enable(cfg.get_bool("metrics"));
  runtime::call_metrics::instance().enable(cfg.get_bool("metrics"));
  // The operations services share worker 0; `.stall` goes on the last worker so that, with two
  // or more workers, blocking it leaves the console and the endpoint free to answer.
  if (const auto port = cfg.get_int("admin_port"); port != 0) {
    std::promise<std::uint16_t> ready;
    auto bound = ready.get_future();
    admin_options opts{cfg.get_string("admin_host"), static_cast<std::uint16_t>(port)};
    node.launch_on<admin_service>(0, std::move(opts), std::move(ready));
    wait_listening(bound, "the admin endpoint");
  }
  if (const auto port = cfg.get_int("console_port"); port != 0) {
    std::promise<std::uint16_t> ready;
    auto bound = ready.get_future();
    console_options opts{cfg.get_string("console_host"), static_cast<std::uint16_t>(port),
                         cfg.get_bool("admin_test_stall")};
    node.launch_on<console_service>(0, std::move(opts), std::move(ready));
    wait_listening(bound, "the debug console");
  }
  if (cfg.get_bool("admin_test_stall")) node.launch_on<stall_service>(node.threads() - 1);
}

}  // namespace stratus::admin
