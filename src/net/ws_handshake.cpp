// The HTTP upgrade of a ws_connection: path, Origin and capacity checks, refusals; plain
// requests go to the listener's static files when it has some.

#include <boost/beast/core/buffers_generator.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>

#include "net/handshake_state.hpp"
#include "net/static_files.hpp"
#include "net/ws_connection.hpp"

namespace stratus::net {

namespace http = boost::beast::http;

void ws_connection::start() {
  // The owner link lets the stream keep us alive while a flush or drain is in flight.
  ws_.next_layer().set_owner(weak_from_this());
  boost::system::error_code ignored;
  ws_.next_layer().next_layer().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  const auto& listen = context_->options.listen;
  if (ws_.next_layer().is_tls()) {
    // A connection in its TLS handshake holds the TLS buffers already: it takes its place in
    // max_connections and max_connections_per_ip from now, so a flood of connects that never
    // finish the handshake is capped like open connections (refused ones are closed at once).
    if (!context_->claim_or_count_refusal(peer_.address())) {
      state_ = state::closed;
      ws_.next_layer().close_now();
      return;
    }
    counted_ = true;
  }
  arm_timer(std::chrono::steady_clock::now() + listen.handshake_timeout);
  handshake_ = std::make_unique<handshake_state>(listen.max_request_header);
  if (ws_.next_layer().is_tls()) {
    ws_.next_layer().async_tls_handshake(
        [self = shared_from_this()](boost::system::error_code ec) { self->on_tls_handshake(ec); });
    return;
  }
  read_request();
}

void ws_connection::on_tls_handshake(boost::system::error_code ec) {
  if (state_ != state::handshake) return;  // timed out meanwhile
  if (ec) {
    context_->refuse_tls(peer_, ec);
    state_ = state::closed;
    release_slots();
    handshake_.reset();
    ws_.next_layer().close_now();
    return;
  }
  read_request();
}

void ws_connection::read_request() {
  http::async_read(ws_.next_layer(), handshake_->buffer, *handshake_->parser,
                   [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                     self->on_request(ec);
                   });
}

void ws_connection::on_request(boost::system::error_code ec) {
  if (state_ != state::handshake) return;  // timed out meanwhile
  if (ec) {
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::ssl::error::stream_truncated) {
      // The client went away before finishing its request (or after its static files).
      if (handshake_->served == 0) context_->stats.refused.fetch_add(1, std::memory_order_relaxed);
      state_ = state::closed;
      release_slots();
      ws_.next_layer().close_now();
      return;
    }
    // A request with a body (POST, ...) for the static files: 405, then the connection closes.
    if (ec == http::error::unexpected_body && context_->www && handshake_->parser->is_header_done())
      return serve_static(false);
    return refuse(http::status::bad_request, "malformed HTTP request\n");
  }
  // Anything that asks for an upgrade takes the upgrade path (and its refusals) as before.
  if (context_->www && handshake_->parser->get().count(http::field::upgrade) == 0)
    return serve_static(true);
  http::status status = http::status::ok;
  if (auto body = check_request(status); !body.empty()) return refuse(status, body);

  // Capacity: count this connection as open now so concurrent upgrades cannot overshoot (a TLS
  // connection holds its place since its handshake began).
  if (auto r = counted_ ? connection_context::refusal::none : context_->claim(peer_.address());
      r != connection_context::refusal::none) {
    context_->stats.refused_full.fetch_add(1, std::memory_order_relaxed);
    return refuse(http::status::service_unavailable,
                  r == connection_context::refusal::full ? "server full, try again later\n"
                                                         : "too many connections from your address\n");
  }
  counted_ = true;

  // Bytes the client sent right behind its request (its first frames, before our 101) were
  // read with the request: hand them back to the stream so the WebSocket reads them first.
  if (auto extra = handshake_->buffer.cdata(); extra.size() > 0) {
    ws_.next_layer().unread({static_cast<const char*>(extra.data()), extra.size()});
    handshake_->buffer.consume(extra.size());
  }
  ws_.read_message_max(context_->options.connection.max_message_size);
  ws_.auto_fragment(false);
  ws_.binary(true);
  ws_.async_accept(
      handshake_->parser->get(),
      [self = shared_from_this()](boost::system::error_code ec) { self->on_accepted(ec); });
}

std::string_view ws_connection::check_request(http::status& status) const {
  const auto& req = handshake_->parser->get();
  const auto& listen = context_->options.listen;
  if (!boost::beast::websocket::is_upgrade(req)) {
    status = http::status::bad_request;
    return "expected a WebSocket upgrade request\n";
  }
  auto target = std::string_view(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  if (target != listen.path) {
    status = http::status::not_found;
    return "no WebSocket endpoint at this path\n";
  }
  if (!listen.allowed_origins.empty()) {
    auto it = req.find(http::field::origin);
    std::string_view origin = it == req.end()
                                  ? std::string_view{}
                                  : std::string_view(it->value().data(), it->value().size());
    if (std::find(listen.allowed_origins.begin(), listen.allowed_origins.end(), origin) ==
        listen.allowed_origins.end()) {
      status = http::status::forbidden;
      return "origin not allowed\n";
    }
  }
  return {};
}

void ws_connection::serve_static(bool may_keep_alive) {
  const static_files& www = *context_->www;
  const auto& req = handshake_->parser->get();
  ++handshake_->served;
  const bool keep_alive = may_keep_alive && req.keep_alive() &&
                          handshake_->served < www.options().max_requests_per_connection;
  arm_timer(std::chrono::steady_clock::now() + www.options().send_timeout);
  // Written to the socket itself, not through the coalescing stream: the body goes out in
  // chunks as fast as the client reads, so a large file never sits whole in memory.
  ws_.next_layer().async_write_unbuffered(
      www.respond(req, keep_alive),
      [self = shared_from_this(), keep_alive](boost::system::error_code ec, std::size_t n) {
        self->on_static_written(ec, n, keep_alive);
      });
}

void ws_connection::on_static_written(boost::system::error_code ec, std::size_t n,
                                      bool keep_alive) {
  context_->stats.bytes_out.fetch_add(n, std::memory_order_relaxed);
  if (state_ != state::handshake) return;  // the send timed out
  if (ec || !keep_alive) {
    state_ = state::closed;
    release_slots();
    handshake_.reset();
    if (ec) return ws_.next_layer().close_now();
    ws_.next_layer().shutdown_after_flush();
    arm_timer(std::chrono::steady_clock::now() + context_->options.connection.close_timeout);
    return;
  }
  // The next request (a file, or the upgrade) must come within the handshake timeout.
  arm_timer(std::chrono::steady_clock::now() + context_->options.listen.handshake_timeout);
  handshake_->next_request();
  read_request();
}

void ws_connection::refuse(http::status status, std::string_view body) {
  context_->stats.refused.fetch_add(1, std::memory_order_relaxed);
  state_ = state::closed;
  release_slots();
  http::response<http::string_body> res{status, 11};
  res.set(http::field::server, "stratus");
  res.set(http::field::content_type, "text/plain");
  res.keep_alive(false);
  res.body() = body;
  res.prepare_payload();
  boost::system::error_code ec;
  http::write(ws_.next_layer(), res, ec);  // appended to the send buffer, never blocks
  ws_.next_layer().shutdown_after_flush();
  handshake_.reset();
  arm_timer(std::chrono::steady_clock::now() + context_->options.connection.close_timeout);
}

void ws_connection::on_accepted(boost::system::error_code ec) {
  handshake_.reset();
  if (state_ != state::handshake) return;
  if (ec) {
    state_ = state::closed;
    release_slots();
    ws_.next_layer().close_now();
    return;
  }
  state_ = state::open;
  arm_timer(std::chrono::steady_clock::now() + context_->options.connection.idle_timeout);
  if (context_->on_open) context_->on_open(shared_from_this());
  if (!handler_) begin_close(1011, "no handler");
  read_message();
}

}  // namespace stratus::net
