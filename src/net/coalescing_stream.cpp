#include "net/coalescing_stream.hpp"

#include <boost/asio/write.hpp>

namespace stratus::net {

namespace {
// Buffers bigger than this are released once written, so idle connections stay small.
constexpr std::size_t keep_capacity = 2048;

void release_if_large(std::vector<std::uint8_t>& v) {
  v.clear();
  if (v.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(v);
}
}  // namespace

void coalescing_stream::note_read(std::size_t n) noexcept {
  bytes_in_ += n;
  if (stats_) stats_->bytes_in.fetch_add(n, std::memory_order_relaxed);
  last_read_ = std::chrono::steady_clock::now();
}

void coalescing_stream::schedule_flush() {
  if (flush_posted_ || writing_ || pending_.empty()) return;
  flush_posted_ = true;
  boost::asio::post(socket_.get_executor(), [this, keep = owner_.lock()] {
    flush_posted_ = false;
    flush();
  });
}

void coalescing_stream::flush() {
  if (writing_ || down_) return;
  if (pending_.empty()) {
    if (shutdown_requested_) start_shutdown();
    return;
  }
  // The spare buffer (empty, capacity kept) takes the gathered bytes' place.
  pending_.swap(in_flight_);
  writing_ = true;
  ++flushes_;
  if (stats_) stats_->flushes.fetch_add(1, std::memory_order_relaxed);
  auto done = [this, keep = owner_.lock()](boost::system::error_code ec, std::size_t n) {
    on_flushed(ec, n);
  };
  if (tls_) {
    boost::asio::async_write(*tls_, boost::asio::buffer(in_flight_), std::move(done));
  } else {
    boost::asio::async_write(socket_, boost::asio::buffer(in_flight_), std::move(done));
  }
}

void coalescing_stream::on_flushed(boost::system::error_code ec, std::size_t n) {
  writing_ = false;
  bytes_out_ += n;
  if (stats_) stats_->bytes_out.fetch_add(n, std::memory_order_relaxed);
  release_if_large(in_flight_);
  if (ec) {
    // The peer is gone or the socket was closed: nothing more can be sent.
    down_ = true;
    release_if_large(pending_);
    return;
  }
  if (pending_.empty() && !shutdown_requested_) {
    release_if_large(pending_);
    return;
  }
  flush();
}

void coalescing_stream::shutdown_after_flush(bool drain_input) {
  if (shutdown_requested_) return;
  shutdown_requested_ = true;
  drain_input_ = drain_input;
  if (!writing_) flush();
}

void coalescing_stream::start_shutdown() {
  if (down_) return;
  down_ = true;
  if (tls_) {
    // close_notify first; OpenSSL then reads (and drops) what the peer still sends until its
    // own close_notify or EOF. Clients that just close the TCP connection end it as well.
    tls_->async_shutdown([this, keep = owner_.lock()](boost::system::error_code) {
      boost::system::error_code ignored;
      socket_.shutdown(boost::asio::socket_base::shutdown_send, ignored);
      if (drain_input_) socket_.close(ignored);
    });
    return;
  }
  boost::system::error_code ec;
  socket_.shutdown(boost::asio::socket_base::shutdown_send, ec);
  if (ec) {
    socket_.close(ec);
    return;
  }
  if (drain_input_) drain();
}

void coalescing_stream::drain() {
  // Read and discard until the peer closes its side, then close ours (RFC 6455 7.1.1:
  // closing first without draining could reset the connection before the close frame lands).
  static thread_local std::array<std::uint8_t, 512> sink;
  socket_.async_read_some(boost::asio::buffer(sink),
                          [this, keep = owner_.lock()](boost::system::error_code ec, std::size_t) {
                            if (!ec) return drain();
                            boost::system::error_code ignored;
                            socket_.close(ignored);
                          });
}

void coalescing_stream::close_now() {
  down_ = true;
  shutdown_requested_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void teardown(boost::beast::role_type, coalescing_stream& stream, boost::system::error_code& ec) {
  ec = {};
  stream.shutdown_after_flush();
}

}  // namespace stratus::net
