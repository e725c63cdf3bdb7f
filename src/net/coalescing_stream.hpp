#pragma once
// A TCP stream that turns many small writes into one system call. It sits under
// beast::websocket::stream: every frame Beast writes is appended to a pending buffer,
// and the buffer goes to the socket in one async_write when the connection is about
// to wait for input (or, for writes made outside the read path, one executor turn later).
// With TLS, the record layer sits below the buffer: a whole flush is encrypted at once, so
// coalescing saves records and encryption calls as it saves system calls.

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_generator.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>

#include "net/net_stats.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stratus::net {

class coalescing_stream;

namespace detail {
/// Wraps a read handler so the stream can note bytes received before the handler runs.
template <class Handler>
struct counting_read_handler {
  coalescing_stream* stream;
  Handler handler;
  void operator()(boost::system::error_code ec, std::size_t n);
};
}  // namespace detail

/// TCP stream gathering writes into one buffer flushed with a single async_write.
/// All members must be called on the stream's executor (one io_context thread).
class coalescing_stream {
 public:
  /// Socket type bound to an io_context executor (no type-erased executor on the hot path).
  using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                       boost::asio::io_context::executor_type>;
  /// Executor of the socket.
  using executor_type = socket_type::executor_type;
  /// The TLS layer over the socket, when the listener serves TLS.
  using tls_stream = boost::asio::ssl::stream<socket_type&>;

  /// Takes ownership of a connected socket.
  explicit coalescing_stream(socket_type socket) : socket_(std::move(socket)) {}
  /// Takes ownership of a connected socket that speaks TLS with `tls` (null: plain); the
  /// context is kept as long as the stream.
  coalescing_stream(socket_type socket, std::shared_ptr<boost::asio::ssl::context> tls)
      : socket_(std::move(socket)), tls_context_(std::move(tls)) {
    if (tls_context_) tls_ = std::make_unique<tls_stream>(socket_, *tls_context_);
  }
  // The TLS layer refers to socket_: the stream stays where it was built.
  coalescing_stream(const coalescing_stream&) = delete;
  coalescing_stream& operator=(const coalescing_stream&) = delete;

  /// Objects kept alive while a flush or drain is in flight (the owning connection).
  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }
  /// Listener-wide counters to update (bytes, flushes); may be null.
  void set_stats(net_stats* stats) noexcept { stats_ = stats; }
  /// Executor of the underlying socket.
  executor_type get_executor() noexcept { return socket_.get_executor(); }
  /// The socket (Beast's lowest layer).
  socket_type& next_layer() noexcept { return socket_; }
  /// The socket (Beast's lowest layer).
  const socket_type& next_layer() const noexcept { return socket_; }

  /// While held, synchronous writes do not schedule a flush: the next read (or
  /// release_flush) sends everything at once. Used while dispatching received messages.
  void hold_flush(bool hold) noexcept { hold_ = hold; }
  /// Sends pending bytes now unless a write is already in flight.
  void flush();
  /// Bytes accepted but not yet confirmed written to the socket.
  std::size_t queued_bytes() const noexcept { return pending_.size() + in_flight_.size(); }
  /// Number of async_write calls issued on the socket so far.
  std::uint64_t flush_count() const noexcept { return flushes_; }
  /// Bytes written to / read from the socket so far.
  std::uint64_t bytes_out() const noexcept { return bytes_out_; }
  /// Bytes read from the socket so far.
  std::uint64_t bytes_in() const noexcept { return bytes_in_; }
  /// Time of the last successful socket read (or of construction).
  std::chrono::steady_clock::time_point last_read() const noexcept { return last_read_; }
  /// True when the socket speaks TLS (async_tls_handshake must complete before any I/O).
  bool is_tls() const noexcept { return tls_ != nullptr; }
  /// The server side of the TLS handshake; call it once, first, on a TLS stream.
  template <class Handler>
  void async_tls_handshake(Handler&& handler) {
    tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Handler>(handler));
  }
  /// Writes a generated HTTP response straight to the socket (through TLS when on), past the
  /// buffer: a large body goes out in chunks as fast as the client reads.
  template <class Generator, class Handler>
  void async_write_unbuffered(Generator message, Handler&& handler) {
    if (tls_) {
      boost::beast::async_write(*tls_, std::move(message), std::forward<Handler>(handler));
    } else {
      boost::beast::async_write(socket_, std::move(message), std::forward<Handler>(handler));
    }
  }
  /// True once the socket failed, was shut down or closed.
  bool is_down() const noexcept { return down_ || !socket_.is_open(); }

  /// After pending bytes are written, half-close, drain input until the peer closes,
  /// then close the socket. Writes after this call are refused.
  /// With drain_input false the caller keeps reading itself (and closes after EOF).
  void shutdown_after_flush(bool drain_input = true);
  /// Closes the socket now; in-flight operations complete with operation_aborted.
  void close_now();

  /// SyncWriteStream: appends all bytes to the pending buffer (never blocks).
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec);
  /// SyncWriteStream: throwing form.
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers);
  /// SyncReadStream: present for Beast's concept checks; blocks, never used by stratus.
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    if (!unread_.empty()) {
      ec = {};
      return take_unread(buffers);
    }
    return tls_ ? tls_->read_some(buffers, ec) : socket_.read_some(buffers, ec);
  }
  /// SyncReadStream: throwing form.
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    if (!unread_.empty()) return take_unread(buffers);
    return tls_ ? tls_->read_some(buffers) : socket_.read_some(buffers);
  }
  /// Bytes that were read past the end of something (the HTTP upgrade request) and belong to
  /// what follows: the next reads return them before reading the socket again.
  void unread(std::string_view bytes) { unread_.insert(0, bytes); }

  /// AsyncWriteStream: appends all bytes, schedules a flush, completes on the next turn.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token);
  /// AsyncReadStream: flushes pending bytes first, then reads from the socket.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token);

  /// Called by the read wrapper with the bytes just received.
  void note_read(std::size_t n) noexcept;

 private:
  template <class MutableBuffers>
  std::size_t take_unread(const MutableBuffers& buffers) {
    const std::size_t n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(unread_.data(), unread_.size()));
    unread_.erase(0, n);
    if (unread_.empty()) std::string().swap(unread_);
    return n;
  }
  void append(const std::uint8_t* data, std::size_t size) {
    pending_.insert(pending_.end(), data, data + size);
  }
  void schedule_flush();
  void on_flushed(boost::system::error_code ec, std::size_t n);
  void start_shutdown();
  void drain();

  socket_type socket_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // kept while tls_ uses it
  std::unique_ptr<tls_stream> tls_;                        // null: plain TCP
  std::weak_ptr<void> owner_;
  net_stats* stats_ = nullptr;
  std::vector<std::uint8_t> pending_;    // bytes gathered this turn
  std::vector<std::uint8_t> in_flight_;  // bytes handed to async_write
  std::string unread_;                   // received before they were wanted (see unread)
  std::chrono::steady_clock::time_point last_read_ = std::chrono::steady_clock::now();
  std::uint64_t flushes_ = 0;
  std::uint64_t bytes_out_ = 0;
  std::uint64_t bytes_in_ = 0;
  bool hold_ = false;
  bool writing_ = false;
  bool flush_posted_ = false;
  bool shutdown_requested_ = false;
  bool drain_input_ = true;
  bool down_ = false;
};

template <class ConstBuffers>
std::size_t coalescing_stream::write_some(const ConstBuffers& buffers,
                                          boost::system::error_code& ec) {
  if (shutdown_requested_ || down_) {
    ec = boost::asio::error::broken_pipe;
    return 0;
  }
  ec = {};
  std::size_t n = 0;
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers); ++it) {
    boost::asio::const_buffer b(*it);
    append(static_cast<const std::uint8_t*>(b.data()), b.size());
    n += b.size();
  }
  if (!hold_) schedule_flush();
  return n;
}

template <class ConstBuffers>
std::size_t coalescing_stream::write_some(const ConstBuffers& buffers) {
  boost::system::error_code ec;
  auto n = write_some(buffers, ec);
  if (ec) throw boost::system::system_error(ec);
  return n;
}

template <class ConstBuffers, class Token>
auto coalescing_stream::async_write_some(const ConstBuffers& buffers, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      [this](auto handler, const ConstBuffers& b) {
        boost::system::error_code ec;
        bool held = std::exchange(hold_, false);
        std::size_t n = write_some(b, ec);
        hold_ = held;
        auto ex = boost::asio::get_associated_executor(handler, get_executor());
        boost::asio::post(ex, boost::beast::bind_front_handler(std::move(handler), ec, n));
      },
      token, buffers);
}

template <class MutableBuffers, class Token>
auto coalescing_stream::async_read_some(const MutableBuffers& buffers, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      [this](auto handler, const MutableBuffers& b) {
        flush();  // about to wait for input: send what this turn produced
        if (!unread_.empty()) {
          // Already received (and counted): complete on the next turn, as a read would.
          const std::size_t n = take_unread(b);
          boost::asio::post(socket_.get_executor(), [h = std::move(handler), n]() mutable {
            std::move(h)(boost::system::error_code{}, n);
          });
          return;
        }
        using handler_t = decltype(handler);
        detail::counting_read_handler<handler_t> counting{this, std::move(handler)};
        if (tls_) {
          tls_->async_read_some(b, std::move(counting));
        } else {
          socket_.async_read_some(b, std::move(counting));
        }
      },
      token, buffers);
}

template <class Handler>
void detail::counting_read_handler<Handler>::operator()(boost::system::error_code ec,
                                                        std::size_t n) {
  if (!ec) stream->note_read(n);
  std::move(handler)(ec, n);
}

/// Beast teardown hook (synchronous form): shut down after pending bytes are written.
void teardown(boost::beast::role_type role, coalescing_stream& stream,
              boost::system::error_code& ec);

/// Beast teardown hook: shut down after pending bytes are written; completes next turn.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type, coalescing_stream& stream, TeardownHandler&& handler) {
  stream.shutdown_after_flush();
  auto ex = boost::asio::get_associated_executor(handler, stream.get_executor());
  boost::asio::post(ex, boost::beast::bind_front_handler(std::forward<TeardownHandler>(handler),
                                                         boost::system::error_code{}));
}

}  // namespace stratus::net

/// Forward the wrapped handler's associated executor and allocator.
template <template <typename, typename> class Associator, typename Handler, typename Default>
struct boost::asio::associator<Associator, stratus::net::detail::counting_read_handler<Handler>,
                               Default> : Associator<Handler, Default> {
  static typename Associator<Handler, Default>::type get(
      const stratus::net::detail::counting_read_handler<Handler>& h) noexcept {
    return Associator<Handler, Default>::get(h.handler);
  }
  static auto get(const stratus::net::detail::counting_read_handler<Handler>& h,
                  const Default& d) noexcept
      -> decltype(Associator<Handler, Default>::get(h.handler, d)) {
    return Associator<Handler, Default>::get(h.handler, d);
  }
};
