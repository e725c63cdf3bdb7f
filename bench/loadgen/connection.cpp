#include "loadgen/connection.hpp"

#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace stratus::loadgen {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

constexpr std::int32_t login_session = 1;
constexpr std::int32_t first_request_session = 2;

std::uint64_t micros(bench_clock::duration d) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

std::string_view view_of(const beast::flat_buffer& buffer) {
  const auto data = buffer.cdata();
  return {static_cast<const char*>(data.data()), data.size()};
}

}  // namespace

connection::connection(asio::io_context& io, run_state& run, worker_stats& stats, int index,
                       std::unique_ptr<bench_protocol> protocol)
    : run_(run),
      stats_(stats),
      index_(index),
      protocol_(std::move(protocol)),
      io_(io),
      socket_(io),
      wake_(io),
      deadline_(io),
      slots_(run.opts.connect_only ? 0 : static_cast<std::size_t>(run.opts.inflight)) {}

void connection::arm_deadline(bench_clock::duration timeout) {
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
    auto conn = self.lock();
    if (ec || !conn) return;
    // Too slow: closing the socket fails whatever operation is waiting on it.
    boost::system::error_code ignored;
    if (conn->ws_) {
      conn->ws_->next_layer().close_now();
    } else {
      conn->socket_.close(ignored);
    }
  });
}

asio::awaitable<bool> connection::open() {
  const options& o = run_.opts;
  const auto started = bench_clock::now();
  boost::system::error_code ec;
  std::string step = "connect";
  arm_deadline(std::chrono::duration_cast<bench_clock::duration>(
      std::chrono::duration<double>(o.open_timeout)));
  co_await asio::async_connect(socket_, run_.targets, redirect_error(use_awaitable, ec));
  if (!ec) {
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    ws_.emplace(std::move(socket_));
    ws_->next_layer().set_owner(weak_from_this());
    ws_->binary(true);
    ws_->auto_fragment(false);
    ws_->secure_prng(false);  // masking keys need not be cryptographic in a load test
    ws_->set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(beast::http::field::user_agent, "stratus-bench");
    }));
    step = "handshake";
    co_await ws_->async_handshake(o.host + ":" + o.port, o.path, redirect_error(use_awaitable, ec));
  }
  if (!ec && o.login) {
    step = "login";
    protocol_->login_packet(o.account_prefix + std::to_string(index_), o.password, login_session,
                            write_buffer_);
    if (!write_buffer_.empty()) {
      co_await ws_->async_write(asio::buffer(write_buffer_), redirect_error(use_awaitable, ec));
    }
    while (!ec && !write_buffer_.empty()) {
      co_await ws_->async_read(read_buffer_, redirect_error(use_awaitable, ec));
      if (ec) break;
      const reply r = protocol_->parse_reply(view_of(read_buffer_));
      read_buffer_.consume(read_buffer_.size());
      if (r.what == reply::kind::push) continue;
      if (r.what == reply::kind::ok && r.session == login_session) break;
      stats_.note_error("login refused: " + std::string(r.detail));
      ec = asio::error::access_denied;
    }
  }
  deadline_.cancel();
  if (ec) {
    stats_.connect_failed.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error(step + " failed: " + ec.message());
    if (ws_) ws_->next_layer().close_now();
    socket_.close(ec);
    co_return false;
  }
  stats_.connect_us.record(micros(bench_clock::now() - started));
  stats_.connected.fetch_add(1, std::memory_order_relaxed);
  co_return true;
}

asio::awaitable<void> connection::run() {
  stats_.open.fetch_add(1, std::memory_order_relaxed);
  // Requests are written synchronously into the coalescing stream and flushed only when the
  // reader needs the socket: the replies of one read are answered with one write, as a
  // pipelining game client would do (and as the server batches its replies).
  ws_->next_layer().hold_flush(true);
  for (std::uint32_t i = 0; i < slots_.size(); ++i) send_request(i);
  ws_->next_layer().flush();
  asio::co_spawn(io_, close_when_stopped(), asio::detached);
  boost::system::error_code ec;
  for (;;) {
    co_await ws_->async_read(read_buffer_, redirect_error(use_awaitable, ec));
    if (ec) break;
    const reply r = protocol_->parse_reply(view_of(read_buffer_));
    on_reply(r, bench_clock::now());
    read_buffer_.consume(read_buffer_.size());
  }
  if (!run_.stopping.load(std::memory_order_relaxed)) {
    stats_.disconnects.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("connection lost: " + ec.message());
  }
  closed_ = true;
  stats_.open.fetch_sub(1, std::memory_order_relaxed);
  stop();
}

void connection::stop() {
  if (closer_waiting_) wake_.cancel();
}

connection::slot* connection::find_slot(std::int32_t session) noexcept {
  if (session < first_request_session || slots_.empty()) return nullptr;
  const auto n = static_cast<std::uint32_t>(session - first_request_session);
  slot& s = slots_[n % slots_.size()];
  return s.session == session ? &s : nullptr;
}

void connection::on_reply(const reply& r, bench_clock::time_point now) {
  if (r.what == reply::kind::push) {
    stats_.pushes.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (r.what == reply::kind::bad) {
    stats_.bad_packets.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("undecodable packet: " + std::string(r.detail));
    return;
  }
  slot* s = find_slot(r.session);
  if (r.what == reply::kind::error) {
    stats_.error_replies.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("error reply: " + std::string(r.detail));
  } else if (s == nullptr) {
    stats_.mismatched.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("reply for session " + std::to_string(r.session) + ", not in flight");
  } else {
    stats_.replies.fetch_add(1, std::memory_order_relaxed);
    if (run_.measuring.load(std::memory_order_relaxed)) {
      stats_.latency_us.record(micros(now - s->sent));
    }
  }
  if (s != nullptr) {  // an answered slot (even by an error) sends its next request
    s->session = 0;
    if (!run_.stopping.load(std::memory_order_relaxed)) {
      send_request(static_cast<std::uint32_t>(s - slots_.data()));
    }
  }
}

void connection::send_request(std::uint32_t index) {
  slot& s = slots_[index];
  const auto k = static_cast<std::int64_t>(slots_.size());
  // session = first + index + k * generation, so the slot is found again by modulo.
  std::int64_t session = first_request_session + index + k * ++s.generation;
  if (session > std::numeric_limits<std::int32_t>::max()) {
    s.generation = 0;
    session = first_request_session + index;
  }
  s.session = static_cast<std::int32_t>(session);
  s.sent = bench_clock::now();
  protocol_->request_packet(s.session, write_buffer_);
  boost::system::error_code ec;
  ws_->write(asio::buffer(write_buffer_), ec);  // appends; the reader sees a failure
}

asio::awaitable<void> connection::close_when_stopped() {
  boost::system::error_code ec;
  while (!closed_ && !run_.stopping.load(std::memory_order_relaxed)) {
    closer_waiting_ = true;
    wake_.expires_at(bench_clock::time_point::max());
    co_await wake_.async_wait(redirect_error(use_awaitable, ec));
    closer_waiting_ = false;
  }
  if (!closed_) {
    ws_->next_layer().hold_flush(false);
    arm_deadline(std::chrono::seconds(2));
    co_await ws_->async_close(websocket::close_code::normal, redirect_error(use_awaitable, ec));
    deadline_.cancel();
  }
}

}  // namespace stratus::loadgen
