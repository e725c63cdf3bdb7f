#pragma once
// One plain TCP connection, as skynet's gate offers to native clients: packets are cut from the
// stream by their own length prefix (sproto: 2 bytes big-endian; protobuf: 4 bytes
// little-endian) and handed up whole, prefix included, exactly as a WebSocket message carries
// them; the same limits apply (packet size, send queue, idle time).

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "net/coalescing_stream.hpp"
#include "net/connection.hpp"
#include "net/connection_context.hpp"

namespace stratus::net {

/// A plain TCP connection pinned to one io_context; call it only on that thread.
class tcp_connection final : public connection,
                             public std::enable_shared_from_this<tcp_connection> {
 public:
  /// Socket type accepted by the listener.
  using socket_type = coalescing_stream::socket_type;

  /// Wraps an accepted socket; call start() on the socket's executor.
  tcp_connection(socket_type socket, std::shared_ptr<connection_context> context);
  ~tcp_connection() override;
  tcp_connection(const tcp_connection&) = delete;
  tcp_connection& operator=(const tcp_connection&) = delete;

  /// Performs the TLS handshake when the listener serves TLS (bounded by handshake_timeout),
  /// applies the connection limits, then opens (on_open) and starts reading.
  void start();

  std::uint64_t id() const noexcept override { return id_; }
  const char* transport() const noexcept override { return "tcp"; }
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept override { return peer_; }
  executor_type get_executor() noexcept override { return stream_.get_executor(); }
  void set_handler(std::shared_ptr<connection_handler> handler) override {
    handler_ = std::move(handler);
  }
  bool is_open() const noexcept override { return state_ == state::open; }
  bool send(std::span<const std::uint8_t> packet) override;
  void close(std::uint16_t code, std::string_view reason) override;
  std::size_t queued_bytes() const noexcept override { return stream_.queued_bytes(); }
  std::uint64_t bytes_in() const noexcept override { return stream_.bytes_in(); }
  std::uint64_t bytes_out() const noexcept override { return stream_.bytes_out(); }

 private:
  enum class state : std::uint8_t { opening, open, closing, closed };

  void on_tls_handshake(boost::system::error_code ec);
  void open();  // limits, on_open, first read
  void read_more();
  void on_read(boost::system::error_code ec, std::size_t n);
  std::size_t body_length(const std::uint8_t* prefix) const noexcept;  // from a length prefix
  void deliver_packets();  // hands up every whole packet; closes on one over the limit
  void finish(close_info info);
  void arm_timer(std::chrono::steady_clock::time_point at);
  void on_timer();
  void release_slots();

  coalescing_stream stream_;
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                    boost::asio::wait_traits<std::chrono::steady_clock>,
                                    executor_type>
      timer_;  // idle checks, then the close deadline
  std::shared_ptr<connection_context> context_;
  std::shared_ptr<connection_handler> handler_;
  std::vector<std::uint8_t> buffer_;  // bytes read, not yet delivered
  std::size_t used_ = 0;
  boost::asio::ip::tcp::endpoint peer_;
  close_info local_close_;
  std::uint64_t id_;
  state state_ = state::opening;
  bool counted_ = false;  // holds a place in the listener's limits (connection_context::claim)
};

}  // namespace stratus::net
