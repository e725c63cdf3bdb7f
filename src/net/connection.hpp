#pragma once
// The transport seam: what the layer above (the gate) sees of one client connection, whatever
// carries it (WebSocket or plain TCP), and what it implements to hear from it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace stratus::net {

class connection;

/// Why a connection ended.
struct close_info {
  /// Close code sent or received (1000 normal, 1001 going away, 1003 text, 1008 policy/send
  /// queue, 1009 too big); 1006 when the connection ended without a close frame (on TCP, which
  /// has no close frames, every close by the peer).
  std::uint16_t code = 1006;
  /// Reason text from the close frame, if any.
  std::string reason;
  /// True when the peer sent the first close frame or dropped the connection.
  bool by_peer = true;
  /// The transport error that ended the read loop, if any (for logs).
  boost::system::error_code error;
};

/// Receives the events of one connection. Callbacks run on the connection's own io_context
/// thread, in order, never concurrently; on_close is the last one.
struct connection_handler {
  virtual ~connection_handler() = default;
  /// One complete packet (length prefix included); the bytes are valid only during the call.
  virtual void on_message(connection& conn, std::span<const std::uint8_t> packet) = 0;
  /// The connection is over; no more calls follow, and sends are ignored.
  virtual void on_close(connection& conn, const close_info& info) = 0;
};

/// One client connection pinned to one io_context. Unless a member says otherwise, call it only
/// on that io_context's thread (the thread its callbacks run on).
class connection {
 public:
  /// The executor of the connection's io_context.
  using executor_type = boost::asio::io_context::executor_type;

  virtual ~connection() = default;

  /// Process-unique id, for logs and the gate's registry.
  virtual std::uint64_t id() const noexcept = 0;
  /// "ws" or "tcp".
  virtual const char* transport() const noexcept = 0;
  /// The peer's address and port.
  virtual const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept = 0;
  /// Executor to post work to this connection from other threads.
  virtual executor_type get_executor() noexcept = 0;
  /// Sets the receiver of packets and of the final on_close.
  virtual void set_handler(std::shared_ptr<connection_handler> handler) = 0;
  /// True while packets can be sent (open, no close started).
  virtual bool is_open() const noexcept = 0;
  /// Queues one packet (copied). False if the connection is not open or the send queue would
  /// pass max_send_queue, which starts a 1008 close.
  virtual bool send(std::span<const std::uint8_t> packet) = 0;
  /// Starts closing with this code (a close frame on WebSocket; on TCP the socket is shut down
  /// after what is queued has been written); the socket is gone within close_timeout.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  /// Bytes waiting to be written to the socket.
  virtual std::size_t queued_bytes() const noexcept = 0;
  /// Bytes read from this connection's socket.
  virtual std::uint64_t bytes_in() const noexcept = 0;
  /// Bytes written to this connection's socket.
  virtual std::uint64_t bytes_out() const noexcept = 0;
};

/// A process-unique connection id; every transport draws from the same counter.
std::uint64_t new_connection_id() noexcept;

/// Shared pointer to an open connection, handed to the layer above.
using connection_ptr = std::shared_ptr<connection>;

}  // namespace stratus::net
