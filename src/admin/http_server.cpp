#include "admin/http_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core.hpp>

#include <chrono>
#include <system_error>
#include <vector>

namespace stratus::admin {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/// What the server and its sessions share; sessions outlive a stopped server harmlessly.
struct http_server::shared {
  http_handler handler;
  bool stopped = false;
  std::vector<std::weak_ptr<session>> sessions;  // pruned on each accept
};

/// One connection: read a request, let the handler answer, write, repeat while keep-alive.
class http_server::session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<shared> s)
      : stream_(std::move(socket)), shared_(std::move(s)) {}

  void read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(
        stream_, buffer_, req_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec || shared_->stopped) return close();
    // The handler answers later, on this thread; a stopped server drops the answer.
    shared_->handler(req_, [self = shared_from_this()](http_response res) {
      if (self->shared_->stopped) return;
      self->write(std::move(res));
    });
  }
  void write(http_response res) {
    auto owned = std::make_shared<http_response>(std::move(res));
    owned->prepare_payload();
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *owned,
                      [self = shared_from_this(), owned](beast::error_code ec, std::size_t) {
                        if (ec || !owned->keep_alive() || self->shared_->stopped)
                          return self->close();
                        self->read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http_request req_;
  std::shared_ptr<shared> shared_;
};

http_response make_response(const http_request& req, http::status status, std::string content_type,
                            std::string body) {
  http_response res{status, req.version()};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  return res;
}

http_server::http_server(boost::asio::io_context& io, http_handler handler)
    : io_(io), acceptor_(io), shared_(std::make_shared<shared>()) {
  shared_->handler = std::move(handler);
}

http_server::~http_server() {
  stop();
}

void http_server::start(const std::string& host, std::uint16_t port) {
  tcp::endpoint ep;
  try {
    ep = {boost::asio::ip::make_address(host), port};
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
  } catch (const std::exception& e) {
    throw std::system_error(
        std::make_error_code(std::errc::address_not_available),
        "cannot listen on " + host + ":" + std::to_string(port) + ": " + e.what());
  }
  port_ = acceptor_.local_endpoint().port();
  accept();
}

void http_server::accept() {
  acceptor_.async_accept([this, s = shared_](beast::error_code ec, tcp::socket socket) {
    if (s->stopped) return;  // `this` may be gone: only the shared state is safe here
    if (!ec) {
      auto conn = std::make_shared<session>(std::move(socket), s);
      std::erase_if(s->sessions, [](const auto& w) { return w.expired(); });
      s->sessions.push_back(conn);
      conn->read();
    }
    accept();
  });
}

void http_server::stop() {
  if (shared_->stopped) return;
  shared_->stopped = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& w : shared_->sessions)
    if (auto conn = w.lock()) conn->close();
  shared_->sessions.clear();
  shared_->handler = nullptr;
}

}  // namespace stratus::admin
