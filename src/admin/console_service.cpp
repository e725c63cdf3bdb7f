#include "admin/console_service.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <istream>
#include <stdexcept>
#include <vector>

#include "runtime/log.hpp"

namespace stratus::admin {

using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

/// What the service and its connections share; connections outlive a stopped console.
struct console_service::shared {
  bool stopped = false;
  std::vector<std::weak_ptr<session>> sessions;
};

/// One console connection: read a line, run it, write the answer, read the next.
class console_service::session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<shared> s, console_service& owner)
      : socket_(std::move(socket)), shared_(std::move(s)), owner_(owner) {}

  void read() {
    boost::asio::async_read_until(socket_, buffer_, '\n',
                                  [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (self->shared_->stopped) return;
                                    if (ec) return self->close();
                                    std::istream in(&self->buffer_);
                                    std::string line;
                                    std::getline(in, line);
                                    if (!line.empty() && line.back() == '\r') line.pop_back();
                                    console_service& c = self->owner_;
                                    c.enter([&] { c.fork(c.serve(self, std::move(line))); });
                                  });
  }
  void write(std::string text) {
    if (shared_->stopped) return;
    auto owned = std::make_shared<std::string>(std::move(text));
    boost::asio::async_write(socket_, boost::asio::buffer(*owned),
                             [self = shared_from_this(), owned](error_code ec, std::size_t) {
                               if (self->shared_->stopped) return;
                               if (ec) return self->close();
                               self->read();
                             });
  }
  void close() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
  boost::asio::streambuf buffer_{4096};  // a longer line is an error (closes the connection)
  std::shared_ptr<shared> shared_;
  console_service& owner_;  // valid while !shared_->stopped
};

console_service::console_service(console_options opts, std::promise<std::uint16_t> ready)
    : opts_(std::move(opts)), ready_(std::move(ready)), shared_(std::make_shared<shared>()) {
  ctx_.started = std::chrono::steady_clock::now();
  ctx_.stall_enabled = opts_.stall_enabled;
}

console_service::~console_service() {
  shared_->stopped = true;
}

void console_service::on_start() {
  if (!register_name(".console")) {
    ready_.set_exception(std::make_exception_ptr(std::runtime_error(".console runs already")));
    exit();
    return;
  }
  try {
    const tcp::endpoint ep{boost::asio::ip::make_address(opts_.host), opts_.port};
    acceptor_ = std::make_unique<tcp::acceptor>(io_context());
    acceptor_->open(ep.protocol());
    acceptor_->set_option(tcp::acceptor::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen();
  } catch (const std::exception& e) {
    runtime::log::error("console cannot listen on {}:{}: {}", opts_.host, opts_.port, e.what());
    ready_.set_exception(
        std::make_exception_ptr(std::runtime_error("console cannot listen on " + opts_.host + ":" +
                                                   std::to_string(opts_.port) + ": " + e.what())));
    acceptor_.reset();
    exit();
    return;
  }
  const std::uint16_t port = acceptor_->local_endpoint().port();
  runtime::log::info("debug console on {}:{} (`stratus console` or nc)", opts_.host, port);
  accept();
  ready_.set_value(port);
}

void console_service::accept() {
  acceptor_->async_accept([this, s = shared_](error_code ec, tcp::socket socket) {
    if (s->stopped) return;  // `this` may be gone
    if (!ec) {
      auto conn = std::make_shared<session>(std::move(socket), s, *this);
      std::erase_if(s->sessions, [](const auto& w) { return w.expired(); });
      s->sessions.push_back(conn);
      conn->read();
    }
    accept();
  });
}

void console_service::on_stop() {
  shared_->stopped = true;
  if (acceptor_) {
    error_code ignored;
    acceptor_->close(ignored);
  }
  for (const auto& w : shared_->sessions)
    if (auto conn = w.lock()) conn->close();
  shared_->sessions.clear();
}

runtime::task<void> console_service::serve(std::shared_ptr<session> s, std::string line) {
  runtime::log::info("console: {}", line);
  std::string out = co_await run_console_command(*this, ctx_, std::move(line));
  s->write(std::move(out));
}

}  // namespace stratus::admin
