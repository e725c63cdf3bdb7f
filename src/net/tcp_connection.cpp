#include "net/tcp_connection.hpp"

#include <algorithm>
#include <cstring>

namespace stratus::net {

namespace {
// The read buffer keeps this much between packets (larger is given back once empty).
constexpr std::size_t keep_capacity = 2048;
// The least one read asks for.
constexpr std::size_t read_chunk = 512;
}  // namespace

tcp_connection::tcp_connection(socket_type socket, std::shared_ptr<connection_context> context)
    : stream_(std::move(socket), context->tls.current()),
      timer_(stream_.get_executor()),
      context_(std::move(context)),
      id_(new_connection_id()) {
  boost::system::error_code ignored;
  peer_ = stream_.next_layer().remote_endpoint(ignored);
  stream_.set_stats(&context_->stats);
}

tcp_connection::~tcp_connection() {
  release_slots();
}

void tcp_connection::release_slots() {
  if (counted_) context_->release(peer_.address());
  counted_ = false;
}

void tcp_connection::start() {
  stream_.set_owner(weak_from_this());
  boost::system::error_code ignored;
  stream_.next_layer().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  if (stream_.is_tls()) {
    // A connection in its TLS handshake holds the TLS buffers already: it takes its place in
    // max_connections and max_connections_per_ip from now, so a flood of connects that never
    // finish the handshake is capped like open connections.
    if (!context_->claim_or_count_refusal(peer_.address())) {
      state_ = state::closed;
      stream_.close_now();
      return;
    }
    counted_ = true;
    // The handshake has handshake_timeout to complete, as a WebSocket upgrade does.
    arm_timer(std::chrono::steady_clock::now() + context_->options.listen.handshake_timeout);
    stream_.async_tls_handshake(
        [self = shared_from_this()](boost::system::error_code ec) { self->on_tls_handshake(ec); });
    return;
  }
  open();
}

void tcp_connection::on_tls_handshake(boost::system::error_code ec) {
  if (state_ != state::opening) return;  // timed out meanwhile
  if (ec) {
    context_->refuse_tls(peer_, ec);
    state_ = state::closed;
    release_slots();
    stream_.close_now();
    return;
  }
  open();
}

void tcp_connection::open() {
  // The same capacity rules as a WebSocket upgrade (a TLS connection holds its place from its
  // handshake on); TCP has no way to say why, so the socket is simply closed.
  if (!counted_ && !context_->claim_or_count_refusal(peer_.address())) {
    state_ = state::closed;
    stream_.close_now();
    return;
  }
  counted_ = true;
  state_ = state::open;
  const auto& c = context_->options.connection;
  arm_timer(std::chrono::steady_clock::now() + c.idle_timeout + c.ping_grace);
  if (context_->on_open) context_->on_open(shared_from_this());
  if (!handler_) close(1011, "no handler");
  read_more();
}

void tcp_connection::read_more() {
  // Room for the packet that has begun (its length is known once its prefix is in: one
  // allocation of its size, not a series of doublings), or for a chunk of what comes next.
  std::size_t want = used_ + read_chunk;
  const std::size_t prefix = context_->options.listen.framing.prefix_bytes;
  if (used_ >= prefix) want = std::max(want, prefix + body_length(buffer_.data()));
  if (buffer_.size() < want) {
    std::vector<std::uint8_t> bigger(want);
    if (used_ > 0) std::memcpy(bigger.data(), buffer_.data(), used_);
    buffer_.swap(bigger);
  }
  stream_.async_read_some(
      boost::asio::buffer(buffer_.data() + used_, buffer_.size() - used_),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        self->on_read(ec, n);
      });
}

void tcp_connection::on_read(boost::system::error_code ec, std::size_t n) {
  if (ec) {
    close_info info;
    info.error = ec;
    if (state_ == state::closing) {
      info = local_close_;
      info.error = ec;
    }
    return finish(std::move(info));
  }
  used_ += n;
  if (state_ == state::open) deliver_packets();
  if (state_ != state::open) used_ = 0;  // closing: drop input until the peer goes (EOF)
  if (used_ == 0 && buffer_.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(buffer_);
  read_more();
}

std::size_t tcp_connection::body_length(const std::uint8_t* p) const noexcept {
  const auto& framing = context_->options.listen.framing;
  std::size_t body = 0;
  for (std::size_t i = 0; i < framing.prefix_bytes; ++i)
    body = (body << 8) | (framing.big_endian ? p[i] : p[framing.prefix_bytes - 1 - i]);
  return body;
}

void tcp_connection::deliver_packets() {
  const std::size_t prefix = context_->options.listen.framing.prefix_bytes;
  const std::size_t max_packet = context_->options.connection.max_message_size;
  std::size_t at = 0;
  // Replies produced while a batch is handled leave in one write, as on WebSocket.
  stream_.hold_flush(true);
  while (state_ == state::open && used_ - at >= prefix) {
    const std::uint8_t* p = buffer_.data() + at;
    const std::size_t body = body_length(p);
    if (prefix + body > max_packet) {
      close(1009, "message too big");
      break;
    }
    if (used_ - at < prefix + body) break;  // the rest has not arrived yet
    context_->stats.messages_in.fetch_add(1, std::memory_order_relaxed);
    if (handler_) handler_->on_message(*this, {p, prefix + body});
    at += prefix + body;
  }
  stream_.hold_flush(false);
  if (at > 0) {
    std::memmove(buffer_.data(), buffer_.data() + at, used_ - at);
    used_ -= at;
  }
}

bool tcp_connection::send(std::span<const std::uint8_t> packet) {
  if (state_ != state::open || stream_.is_down()) return false;
  auto queued = queued_bytes();
  if (queued > 0 && queued + packet.size() > context_->options.connection.max_send_queue) {
    context_->stats.send_overflows.fetch_add(1, std::memory_order_relaxed);
    close(1008, "send queue full");
    return false;
  }
  boost::system::error_code ec;
  stream_.write_some(boost::asio::buffer(packet.data(), packet.size()), ec);
  if (ec) return false;
  context_->stats.messages_out.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void tcp_connection::close(std::uint16_t code, std::string_view reason) {
  if (state_ != state::open) return;
  state_ = state::closing;
  local_close_ = close_info{code, std::string(reason), false, {}};
  // What is queued still goes out (a Kicked push, the last replies); then the socket is
  // shut down, and closed at the latest after close_timeout.
  stream_.shutdown_after_flush(false);  // our read loop sees the peer's EOF
  arm_timer(std::chrono::steady_clock::now() + context_->options.connection.close_timeout);
}

void tcp_connection::finish(close_info info) {
  if (state_ == state::closed) return;
  state_ = state::closed;
  timer_.cancel();
  stream_.close_now();
  release_slots();
  used_ = 0;
  std::vector<std::uint8_t>().swap(buffer_);
  if (auto handler = std::move(handler_)) handler->on_close(*this, info);
}

void tcp_connection::arm_timer(std::chrono::steady_clock::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_timer();
  });
}

void tcp_connection::on_timer() {
  if (timer_.expiry() > std::chrono::steady_clock::now()) return;  // re-armed meanwhile
  if (state_ == state::opening) {
    // The TLS handshake did not complete in time.
    context_->stats.refused.fetch_add(1, std::memory_order_relaxed);
    state_ = state::closed;
    stream_.close_now();
    return;
  }
  if (state_ == state::closing) {
    stream_.close_now();  // close deadline passed; the read fails and finish() runs
    return;
  }
  if (state_ != state::open) return;
  // TCP has no ping: a client silent for idle_timeout + ping_grace is gone.
  const auto& c = context_->options.connection;
  const auto deadline = stream_.last_read() + c.idle_timeout + c.ping_grace;
  if (std::chrono::steady_clock::now() < deadline) return arm_timer(deadline);
  close(1001, "idle timeout");
}

}  // namespace stratus::net
