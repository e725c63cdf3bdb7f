#pragma once
// The debug console as a service of its own (`.console`): plain text lines over TCP, so
// `nc 127.0.0.1 PORT` works; `stratus console` relays a terminal to it.

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "admin/console_commands.hpp"
#include "runtime/service.hpp"

namespace stratus::admin {

/// Where the console listens and what it offers.
struct console_options {
  std::string host = "127.0.0.1";  ///< `console_host`
  std::uint16_t port = 0;          ///< `console_port` (0 here picks a free port)
  bool stall_enabled = false;      ///< `admin_test_stall`: offer the `stall` command
};

/// Accepts console connections on its worker's io_context; each command runs as a coroutine
/// of this service, one at a time per connection, in the order the lines came.
class console_service : public runtime::service {
 public:
  /// `ready` receives the bound port, or the start-up error.
  console_service(console_options opts, std::promise<std::uint16_t> ready);
  ~console_service() override;

  void on_start() override;
  void on_stop() override;

 private:
  class session;
  struct shared;
  void accept();
  runtime::task<void> serve(std::shared_ptr<session> s, std::string line);

  console_options opts_;
  std::promise<std::uint16_t> ready_;
  console_context ctx_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<shared> shared_;
};

}  // namespace stratus::admin
