#pragma once
// A small HTTP/1.1 server on Boost.Beast for the admin endpoint: accepts on one io_context and
// hands each request to a handler that answers later (after calls to other services).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <memory>
#include <string>

namespace stratus::admin {

/// A parsed request of the admin endpoint.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;
/// A response of the admin endpoint.
using http_response = boost::beast::http::response<boost::beast::http::string_body>;
/// Sends the response of one request; call it once, on the server's io_context thread.
using http_responder = std::function<void(http_response)>;
/// Called for every request on the server's io_context thread.
using http_handler = std::function<void(const http_request&, http_responder)>;

/// Builds a response with a body and its content type.
http_response make_response(const http_request& req, boost::beast::http::status status,
                            std::string content_type, std::string body);

/// Listens on host:port and serves keep-alive connections until stop().
class http_server {
 public:
  /// `handler` runs on `io`'s thread; it must outlive the server or be stopped first.
  http_server(boost::asio::io_context& io, http_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds and starts accepting; throws std::system_error naming host:port on failure.
  void start(const std::string& host, std::uint16_t port);
  /// Stops accepting and closes open connections; no handler runs afterwards.
  void stop();
  /// The bound port (useful with port 0).
  std::uint16_t port() const noexcept { return port_; }

 private:
  class session;
  struct shared;
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<shared> shared_;
  std::uint16_t port_ = 0;
};

}  // namespace stratus::admin
