#include "net/ws_listener.hpp"

#include "net/static_files.hpp"
#include "net/tcp_connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>
#include <string>
#include <system_error>

namespace stratus::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

ws_listener::ws_listener(asio::io_context& accept_context, std::vector<asio::io_context*> workers,
                         ws_options options, open_callback on_open)
    : accept_context_(accept_context),
      workers_(std::move(workers)),
      context_(std::make_shared<connection_context>()),
      acceptor_(accept_context),
      retry_timer_(accept_context) {
  if (workers_.empty()) throw std::invalid_argument("ws_listener needs at least one worker");
  context_->options = std::move(options);
  context_->on_open = std::move(on_open);
}

ws_listener::~ws_listener() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void ws_listener::start() {
  const auto& listen = context_->options.listen;
  auto fail = [&](const boost::system::error_code& ec, const char* step) {
    throw std::system_error(ec, "cannot listen on " + listen.host + ":" +
                                    std::to_string(listen.port) + " (" + step + ")");
  };
  if (listen.transport == transport::websocket && !listen.www.root.empty()) {
    context_->www = std::make_shared<const static_files>(listen.www);  // throws: bad folder
  }
  if (listen.tls.enabled()) {
    tls_load_result loaded = load_tls_context(listen.tls);
    if (!loaded.context) throw std::runtime_error("TLS: " + loaded.error);
    context_->tls.replace(std::move(loaded.context));
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(listen.host, ec);
  if (ec) fail(ec, "bad address");
  tcp::endpoint endpoint(address, listen.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail(ec, "open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) fail(ec, "bind");
  acceptor_.listen(listen.backlog, ec);
  if (ec) fail(ec, "listen");
  port_ = acceptor_.local_endpoint().port();
  asio::dispatch(accept_context_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.expired()) accept();
  });
}

tls_load_result ws_listener::reload_tls() {
  const tls_files& files = context_->options.listen.tls;
  if (!files.enabled()) return {};
  tls_load_result loaded = load_tls_context(files);
  if (loaded.context) context_->tls.replace(loaded.context);
  return loaded;
}

void ws_listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void ws_listener::accept() {
  auto& worker = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  // The handler may be queued already when the listener is destroyed (an accept that completed
  // just before stop()): it checks that the listener still exists before touching it.
  acceptor_.async_accept(worker, [this, alive = std::weak_ptr<int>(alive_)](
                                     boost::system::error_code ec,
                                     ws_connection::socket_type socket) {
    if (!alive.expired()) on_accept(ec, std::move(socket));
  });
}

void ws_listener::on_accept(boost::system::error_code ec, ws_connection::socket_type socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Typically out of file descriptors: back off instead of spinning.
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait(
        [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code wait_ec) {
          if (!wait_ec && !alive.expired()) accept();
        });
    return;
  }
  context_->stats.accepted.fetch_add(1, std::memory_order_relaxed);
  if (context_->options.listen.transport == transport::tcp) {
    auto conn = std::make_shared<tcp_connection>(std::move(socket), context_);
    auto executor = conn->get_executor();
    asio::post(executor, [conn = std::move(conn)] { conn->start(); });
  } else {
    auto conn = std::make_shared<ws_connection>(std::move(socket), context_);
    auto executor = conn->get_executor();
    asio::post(executor, [conn = std::move(conn)] { conn->start(); });
  }
  accept();
}

}  // namespace stratus::net
