// The open phase of a ws_connection: read loop, sends, idle pings, close.

#include "net/ws_connection.hpp"

#include "net/handshake_state.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/websocket/error.hpp>

#include <atomic>
#include <exception>

namespace stratus::net {

namespace websocket = boost::beast::websocket;

namespace {
// Message buffers bigger than this are released after use, so idle connections stay small.
constexpr std::size_t keep_read_capacity = 2048;
// The most one read adds to the message buffer (see read_message).
constexpr std::size_t read_chunk = 512;
// A frame header is at most 10 bytes for an unmasked server frame.
constexpr std::size_t max_frame_header = 10;
}  // namespace

ws_connection::ws_connection(socket_type socket, std::shared_ptr<connection_context> context)
    : ws_(std::move(socket), context->tls.current()),
      timer_(ws_.next_layer().get_executor()),
      context_(std::move(context)),
      id_(new_connection_id()) {
  boost::system::error_code ignored;
  peer_ = ws_.next_layer().next_layer().remote_endpoint(ignored);
  ws_.next_layer().set_stats(&context_->stats);
}

ws_connection::~ws_connection() {
  release_slots();
}

void ws_connection::release_slots() {
  if (counted_) context_->release(peer_.address());
  counted_ = false;
}

void ws_connection::read_message(std::size_t limit) {
  // read_some with a small limit, not read: Beast's whole-message read reserves 1.5 KiB in the
  // buffer while it waits, and most connections wait most of the time. A bigger message takes
  // a few turns of this loop; the message size limit still applies to the whole message.
  ws_.async_read_some(read_buffer_, limit,
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->on_message_read(ec);
                      });
}

void ws_connection::on_message_read(boost::system::error_code ec) {
  if (ec) return on_read_failed(ec);
  if (!ws_.is_message_done()) {
    // A larger message: room for the rest of its frame at once, in one allocation that is
    // given back whole afterwards, not a series of doublings that would leave fragments.
    const std::size_t rest = std::min(ws_.read_size_hint(read_chunk),
                                      context_->options.connection.max_message_size);
    if (rest > read_chunk) read_buffer_.reserve(read_buffer_.size() + rest);
    return read_message(std::max(rest, read_chunk));
  }
  if (!ws_.got_binary()) {
    begin_close(1003, "text messages are not accepted");
  } else if (state_ == state::open && handler_) {
    deliver_message();
  }
  read_buffer_.consume(read_buffer_.size());
  if (read_buffer_.capacity() > keep_read_capacity) read_buffer_.shrink_to_fit();
  read_message();  // also while closing: Beast needs the read to see the peer's close
}

void ws_connection::deliver_message() {
  context_->stats.messages_in.fetch_add(1, std::memory_order_relaxed);
  auto data = read_buffer_.cdata();
  auto& stream = ws_.next_layer();
  // Replies sent from inside on_message wait for the next socket read: one write per batch.
  stream.hold_flush(true);
  try {
    handler_->on_message(*this, {static_cast<const std::uint8_t*>(data.data()), data.size()});
  } catch (const std::exception&) {
    begin_close(1011, "internal error");
  }
  stream.hold_flush(false);
}

bool ws_connection::send(std::span<const std::uint8_t> payload) {
  if (state_ != state::open || !ws_.is_open()) return false;
  auto queued = queued_bytes();
  if (queued > 0 &&
      queued + payload.size() + max_frame_header > context_->options.connection.max_send_queue) {
    context_->stats.send_overflows.fetch_add(1, std::memory_order_relaxed);
    begin_close(1008, "send queue full");
    return false;
  }
  boost::system::error_code ec;
  ws_.write(boost::asio::buffer(payload.data(), payload.size()), ec);
  if (ec) return false;
  context_->stats.messages_out.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void ws_connection::close(std::uint16_t code, std::string_view reason) {
  begin_close(code, reason);
}

void ws_connection::begin_close(std::uint16_t code, std::string_view reason) {
  if (state_ != state::open) return;
  state_ = state::closing;
  closed_by_us_ = true;
  local_close_ = close_info{code, std::string(reason), false, {}};
  if (ws_.is_open()) {
    websocket::close_reason cr(static_cast<websocket::close_code>(code), reason.substr(0, 120));
    ws_.async_close(cr, [self = shared_from_this()](boost::system::error_code) {});
  }
  // Whatever the peer does, the socket is gone after close_timeout.
  arm_timer(std::chrono::steady_clock::now() + context_->options.connection.close_timeout);
}

void ws_connection::on_read_failed(boost::system::error_code ec) {
  if (state_ == state::closed) return;
  state_ = state::closed;
  close_info info;
  info.error = ec;
  if (closed_by_us_) {
    info = local_close_;
    info.error = ec;
  } else if (ec == websocket::error::closed) {
    info.code = ws_.reason().code;
    info.reason = std::string(ws_.reason().reason.data(), ws_.reason().reason.size());
    info.by_peer = true;
  } else if (ec == websocket::error::message_too_big) {
    info.code = 1009;
    info.reason = "message too big";
    info.by_peer = false;
  } else if (ec == websocket::condition::protocol_violation) {
    info.code = 1002;
    info.reason = "protocol error";
    info.by_peer = false;
  }
  auto& stream = ws_.next_layer();
  if (info.code == 1006) {
    stream.close_now();  // the peer vanished: nothing left to say
  } else if (stream.next_layer().is_open()) {
    // Also while the stream drains after its shutdown: a peer that never stops sending would
    // otherwise keep the socket forever.
    arm_timer(std::chrono::steady_clock::now() + context_->options.connection.close_timeout);
  }
  release_slots();
  if (auto handler = std::move(handler_)) handler->on_close(*this, info);
}

void ws_connection::arm_timer(std::chrono::steady_clock::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_timer();
  });
}

void ws_connection::on_timer() {
  if (timer_.expiry() > std::chrono::steady_clock::now()) return;  // re-armed meanwhile
  switch (state_) {
    case state::handshake:
      // A client that connects and says nothing (or too slowly) is dropped; so is one that
      // fetched static files and then stays silent or reads too slowly.
      if (!handshake_ || handshake_->served == 0)
        context_->stats.refused.fetch_add(1, std::memory_order_relaxed);
      state_ = state::closed;
      release_slots();
      ws_.next_layer().close_now();
      return;
    case state::open:
      return on_idle_check();
    case state::closing:
    case state::closed:
      ws_.next_layer().close_now();  // close deadline passed
      return;
  }
}

void ws_connection::on_idle_check() {
  const auto& opts = context_->options.connection;
  auto now = std::chrono::steady_clock::now();
  auto last = ws_.next_layer().last_read();
  if (ping_outstanding_ && last > ping_sent_at_) ping_outstanding_ = false;  // peer is alive
  if (!ping_outstanding_) {
    if (now - last < opts.idle_timeout) return arm_timer(last + opts.idle_timeout);
    ping_outstanding_ = true;
    ping_sent_at_ = now;
    ws_.async_ping({}, [self = shared_from_this()](boost::system::error_code) {});
    return arm_timer(now + opts.ping_grace);
  }
  begin_close(1001, "idle timeout");
}

}  // namespace stratus::net
