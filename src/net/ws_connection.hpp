#pragma once
// One WebSocket connection: upgrade with limits, a read loop delivering binary
// messages to a connection_handler, coalesced sends with a bounded queue, idle pings, close.

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/coalescing_stream.hpp"
#include "net/connection_context.hpp"
#include "net/connection.hpp"

namespace stratus::net {

/// A WebSocket connection pinned to one io_context. Unless a member says otherwise,
/// call it only on that io_context's thread (the thread callbacks run on).
class ws_connection final : public connection,
                            public std::enable_shared_from_this<ws_connection> {
 public:
  /// Socket type accepted by the listener.
  using socket_type = coalescing_stream::socket_type;

  /// Wraps an accepted socket; call start() on the socket's executor.
  ws_connection(socket_type socket, std::shared_ptr<connection_context> context);
  ~ws_connection() override;
  ws_connection(const ws_connection&) = delete;
  ws_connection& operator=(const ws_connection&) = delete;

  /// Performs the TLS handshake when the listener serves TLS, reads the HTTP upgrade (all of
  /// it bounded by handshake_timeout) and opens or refuses.
  void start();

  std::uint64_t id() const noexcept override { return id_; }
  const char* transport() const noexcept override { return "ws"; }
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept override { return peer_; }
  executor_type get_executor() noexcept override { return ws_.get_executor(); }
  void set_handler(std::shared_ptr<connection_handler> handler) override {
    handler_ = std::move(handler);
  }
  bool is_open() const noexcept override { return state_ == state::open; }
  /// Queues one binary message (copied); see connection::send.
  bool send(std::span<const std::uint8_t> payload) override;
  /// Starts the close handshake with this code; the socket closes within close_timeout.
  void close(std::uint16_t code, std::string_view reason) override;

  /// Bytes waiting to be written to the socket.
  std::size_t queued_bytes() const noexcept override { return ws_.next_layer().queued_bytes(); }
  /// async_write calls made for this connection (coalescing makes it < messages sent).
  std::uint64_t flush_count() const noexcept { return ws_.next_layer().flush_count(); }
  /// Bytes read from this connection's socket.
  std::uint64_t bytes_in() const noexcept override { return ws_.next_layer().bytes_in(); }
  /// Bytes written to this connection's socket.
  std::uint64_t bytes_out() const noexcept override { return ws_.next_layer().bytes_out(); }

 private:
  enum class state : std::uint8_t { handshake, open, closing, closed };
  struct handshake_state;

  // Upgrade, or static files for plain requests (ws_handshake.cpp).
  void on_tls_handshake(boost::system::error_code ec);
  void read_request();
  void on_request(boost::system::error_code ec);
  void serve_static(bool may_keep_alive);
  void on_static_written(boost::system::error_code ec, std::size_t n, bool keep_alive);
  std::string_view check_request(boost::beast::http::status& status) const;
  void refuse(boost::beast::http::status status, std::string_view body);
  void on_accepted(boost::system::error_code ec);

  // Open connection (ws_connection.cpp).
  void read_message(std::size_t limit = 512);
  void on_message_read(boost::system::error_code ec);
  void deliver_message();
  void on_read_failed(boost::system::error_code ec);
  void arm_timer(std::chrono::steady_clock::time_point at);
  void on_timer();
  void on_idle_check();
  void begin_close(std::uint16_t code, std::string_view reason);
  void release_slots();  // gives back the open-connection and per-address counts

  boost::beast::websocket::stream<coalescing_stream, false> ws_;
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                    boost::asio::wait_traits<std::chrono::steady_clock>,
                                    executor_type>
      timer_;  // handshake deadline, then idle checks, then close deadline
  std::shared_ptr<connection_context> context_;
  std::shared_ptr<connection_handler> handler_;
  std::unique_ptr<handshake_state> handshake_;
  boost::beast::flat_buffer read_buffer_;
  boost::asio::ip::tcp::endpoint peer_;
  close_info local_close_;  // what we sent, when we closed first
  std::chrono::steady_clock::time_point ping_sent_at_{};
  std::uint64_t id_;
  state state_ = state::handshake;
  bool ping_outstanding_ = false;
  bool counted_ = false;  // holds a place in the listener's limits (connection_context::claim)
  bool closed_by_us_ = false;
};

}  // namespace stratus::net
