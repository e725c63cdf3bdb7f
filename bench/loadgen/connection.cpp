#include "loadgen/connection.hpp"

#include <array>
#include <limits>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "loadgen/ws_upgrade.hpp"

namespace stratus::loadgen {
namespace asio = boost::asio;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

constexpr std::int32_t login_session = 1;
constexpr std::int32_t first_request_session = 2;

std::uint64_t micros(bench_clock::duration d) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

std::uint64_t random_seed() {
  static thread_local std::mt19937_64 seeds{std::random_device{}()};
  return seeds();
}

}  // namespace

connection::connection(asio::io_context& io, run_state& run, worker_stats& stats, int index,
                       std::unique_ptr<bench_protocol> protocol)
    : run_(run),
      stats_(stats),
      index_(index),
      protocol_(std::move(protocol)),
      socket_(io),
      deadline_(io),
      reader_(make_reader(run.opts.transport, run.opts.protocol)),
      writer_(random_seed()),
      slots_(run.opts.connect_only ? 0 : static_cast<std::size_t>(run.opts.inflight)),
      websocket_(run.opts.transport == "ws") {
  if (run.tls != nullptr) tls_ = std::make_unique<tls_pipe>(run.tls, run.opts.host);
}

asio::awaitable<boost::system::error_code> connection::write_out() {
  boost::system::error_code ec;
  if (tls_) {
    sealed_.clear();
    if (!tls_->seal(out_, sealed_)) co_return asio::error::fault;
    out_.swap(sealed_);
  }
  if (!out_.empty()) {
    co_await asio::async_write(socket_, asio::buffer(out_), redirect_error(use_awaitable, ec));
  }
  out_.clear();
  co_return ec;
}

asio::awaitable<std::string> connection::read_in() {
  boost::system::error_code ec;
  if (!tls_) {
    const auto space = reader_.space();
    const std::size_t n = co_await socket_.async_read_some(
        asio::buffer(space.data(), space.size()), redirect_error(use_awaitable, ec));
    if (ec) co_return ec.message();
    reader_.commit(n);
    co_return std::string();
  }
  std::array<std::uint8_t, 4096> raw;
  for (;;) {
    bool failed = false;
    const auto space = reader_.space();
    const std::size_t got = tls_->read(space.data(), space.size(), failed);
    if (failed) co_return tls_->problem();
    if (got > 0) {
      reader_.commit(got);
      co_return std::string();
    }
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(raw),
                                                           redirect_error(use_awaitable, ec));
    if (ec) co_return ec.message();
    tls_->feed(raw.data(), n);
  }
}

asio::awaitable<std::string> connection::tls_handshake() {
  std::array<std::uint8_t, 4096> raw;
  boost::system::error_code ec;
  for (;;) {
    const tls_pipe::step s = tls_->handshake(out_);
    if (s == tls_pipe::step::failed) co_return tls_->problem();
    if (!out_.empty()) {
      co_await asio::async_write(socket_, asio::buffer(out_), redirect_error(use_awaitable, ec));
      out_.clear();
      if (ec) co_return ec.message();
    }
    if (s == tls_pipe::step::done) co_return std::string();
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(raw),
                                                           redirect_error(use_awaitable, ec));
    if (ec) co_return ec.message();
    tls_->feed(raw.data(), n);
  }
}

asio::awaitable<std::string> connection::upgrade() {
  const options& o = run_.opts;
  const std::string key = make_upgrade_key(random_seed(), random_seed());
  const std::string request = make_upgrade_request(o.host + ":" + o.port, o.path, key);
  out_.assign(request.begin(), request.end());
  const boost::system::error_code ec = co_await write_out();
  if (ec) co_return ec.message();
  std::size_t head = 0;
  while (head == 0) {
    if (reader_.unparsed().size() > 16384) co_return "oversized upgrade response";
    std::string problem = co_await read_in();
    if (!problem.empty()) co_return problem;
    head = upgrade_head_size(reader_.unparsed());
  }
  std::string problem = check_upgrade_response(reader_.unparsed().substr(0, head), key);
  reader_.skip(head);  // frames after the head (if any) stay in the reader
  co_return problem;
}

void connection::arm_deadline(bench_clock::duration timeout) {
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
    auto conn = self.lock();
    if (ec || !conn) return;
    // Too slow: closing the socket fails whatever operation is waiting on it.
    boost::system::error_code ignored;
    conn->socket_.close(ignored);
  });
}

asio::awaitable<std::string> connection::login() {
  const options& o = run_.opts;
  protocol_->login_packet(o.account_prefix + std::to_string(index_), o.password, login_session,
                          packet_);
  if (packet_.empty()) co_return std::string();  // the format has no login
  append_packet(out_, ws(), packet_);
  boost::system::error_code ec;
  for (;;) {
    if (!out_.empty()) {
      ec = co_await write_out();
      if (ec) co_return ec.message();
    }
    std::string_view payload;
    switch (reader_.next(payload)) {
      case frame_reader::event::none: {
        std::string problem = co_await read_in();
        if (!problem.empty()) co_return problem;
        break;
      }
      case frame_reader::event::message: {
        const reply r = protocol_->parse_reply(payload);
        if (r.what == reply::kind::push) break;
        if (r.what == reply::kind::ok && r.session == login_session) co_return std::string();
        co_return "refused: " + std::string(r.detail);
      }
      case frame_reader::event::ping:
        writer_.append(out_, ws_opcode::pong, payload);
        break;
      case frame_reader::event::pong:
        break;
      case frame_reader::event::text:
        co_return "text message from the server";
      case frame_reader::event::close:
        co_return "closed by the server";
      case frame_reader::event::error:
        co_return reader_.problem();
    }
  }
}

asio::awaitable<bool> connection::open() {
  const options& o = run_.opts;
  const auto started = bench_clock::now();
  boost::system::error_code ec;
  std::string step = "connect", problem;
  arm_deadline(std::chrono::duration_cast<bench_clock::duration>(
      std::chrono::duration<double>(o.open_timeout)));
  co_await asio::async_connect(socket_, run_.targets, redirect_error(use_awaitable, ec));
  if (ec) problem = ec.message();
  if (problem.empty()) socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (problem.empty() && tls_) {
    step = "TLS handshake";
    problem = co_await tls_handshake();
  }
  if (problem.empty() && websocket_) {
    step = "handshake";
    problem = co_await upgrade();
  }
  if (problem.empty() && o.login) {
    step = "login";
    problem = co_await login();
  }
  deadline_.cancel();
  if (!problem.empty()) {
    stats_.connect_failed.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error(step + " failed: " + problem);
    socket_.close(ec);
    co_return false;
  }
  stats_.connect_us.record(micros(bench_clock::now() - started));
  stats_.connected.fetch_add(1, std::memory_order_relaxed);
  co_return true;
}

void connection::start() {
  stats_.open.fetch_add(1, std::memory_order_relaxed);
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);  // read() and flush() never block the io thread
  const auto now = bench_clock::now();
  for (std::uint32_t i = 0; i < slots_.size(); ++i) send_request(i, now);
  process(now);  // frames that arrived with the login reply
  flush();
  if (!done_) read();
}

void connection::read() {
  // Wait for readability, then read without blocking: asio's async_read_some would first try
  // a speculative recv, which in a closed loop nearly always fails (the replies are not back
  // yet) and costs a wasted system call per round trip.
  socket_.async_wait(socket_type::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       self->on_readable(ec);
                     });
}

bool connection::read_tls(boost::system::error_code& ec) {
  // Every record that has arrived, then every byte they decrypt to.
  static thread_local std::array<std::uint8_t, 16384> raw;
  while (!ec) {
    const std::size_t n = socket_.read_some(asio::buffer(raw), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec = {};
      break;
    }
    if (ec) break;
    tls_->feed(raw.data(), n);
    if (n < raw.size()) break;
  }
  bool got = false;
  for (;;) {
    bool failed = false;
    const auto space = reader_.space();
    const std::size_t n = tls_->read(space.data(), space.size(), failed);
    if (failed) {
      finish(close_reason_.empty() ? tls_->problem() : close_reason_);
      return false;
    }
    if (n == 0) break;
    reader_.commit(n);
    got = true;
  }
  if (ec) {
    finish(close_reason_.empty() ? "connection lost: " + ec.message() : close_reason_);
    return false;
  }
  if (got) {
    process(bench_clock::now());
    flush();
  }
  return true;
}

void connection::on_readable(boost::system::error_code ec) {
  if (tls_) {
    if (!ec && read_tls(ec) && !done_) read();
    if (ec && !done_) finish("connection lost: " + ec.message());
    return;
  }
  bool got = false;
  while (!ec) {
    const auto space = reader_.space();
    const std::size_t n = socket_.read_some(asio::buffer(space.data(), space.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec = {};
      break;
    }
    if (ec) break;
    reader_.commit(n);
    got = true;
    if (n < space.size()) break;  // the socket is drained for now
  }
  if (ec) {
    finish(close_reason_.empty() ? "connection lost: " + ec.message() : close_reason_);
    return;
  }
  if (got) {
    process(bench_clock::now());
    flush();
  }
  if (!done_) read();
}

void connection::process(bench_clock::time_point now) {
  std::string_view payload;
  for (;;) {
    switch (reader_.next(payload)) {
      case frame_reader::event::none:
        return;
      case frame_reader::event::message:
        on_reply(protocol_->parse_reply(payload), now);
        break;
      case frame_reader::event::ping:
        if (!close_sent_) writer_.append(out_, ws_opcode::pong, payload);
        break;
      case frame_reader::event::pong:
        break;
      case frame_reader::event::text:
        stats_.bad_packets.fetch_add(1, std::memory_order_relaxed);
        stats_.note_error("text message from the server");
        break;
      case frame_reader::event::close:
        on_close_frame(payload);
        return;
      case frame_reader::event::error:
        finish("protocol error: " + reader_.problem());
        return;
    }
  }
}

void connection::on_close_frame(std::string_view payload) {
  // The server closes: answer with its status code (RFC 6455 5.5.1), then wait for it to end
  // the TCP connection; arm_deadline bounds the wait.
  std::uint16_t code = 1005;  // no status received
  if (payload.size() >= 2) {
    code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
  }
  close_reason_ = "closed by the server: " + std::to_string(code);
  if (payload.size() > 2) close_reason_ += " " + std::string(payload.substr(2));
  if (!close_sent_) {
    close_sent_ = true;
    writer_.append_close(out_, code == 1005 ? 1000 : code);
    arm_deadline(std::chrono::seconds(2));
  }
}

void connection::stop() {
  if (done_ || close_sent_) return;
  close_sent_ = true;
  if (websocket_) {
    writer_.append_close(out_, 1000);
    flush();
  } else {
    // No close frame on plain TCP: end our side; the server closes its side on the EOF.
    boost::system::error_code ignored;
    socket_.shutdown(socket_type::shutdown_send, ignored);
  }
  arm_deadline(std::chrono::seconds(2));
}

void connection::flush() {
  if (writing_ || out_.empty() || done_) return;
  if (tls_) {
    // The batch becomes TLS records here, in the order it is sent.
    sealed_.clear();
    if (!tls_->seal(out_, sealed_)) return finish(tls_->problem());
    out_.swap(sealed_);
  }
  // Try to send at once without blocking (the usual case: the socket buffer has room); only
  // what does not fit waits for an asynchronous write.
  boost::system::error_code ec;
  const std::size_t n = socket_.write_some(asio::buffer(out_), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
  } else if (ec) {
    return;  // a failed write shows up in the reader
  }
  if (n == out_.size()) {
    out_.clear();
    return;
  }
  writing_ = true;
  sending_.assign(out_.begin() + static_cast<std::ptrdiff_t>(n), out_.end());
  out_.clear();
  asio::async_write(socket_, asio::buffer(sending_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_ = false;
                      self->sending_.clear();
                      if (!ec) self->flush();  // a failed write shows up in the reader
                    });
}

void connection::finish(std::string_view why) {
  if (done_) return;
  done_ = true;
  deadline_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (!run_.stopping.load(std::memory_order_relaxed)) {
    stats_.disconnects.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error(why);
  }
  stats_.open.fetch_sub(1, std::memory_order_relaxed);
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
    if (!close_sent_ && !run_.stopping.load(std::memory_order_relaxed)) {
      send_request(static_cast<std::uint32_t>(s - slots_.data()), now);
    }
  }
}

void connection::send_request(std::uint32_t index, bench_clock::time_point now) {
  slot& s = slots_[index];
  const auto k = static_cast<std::int64_t>(slots_.size());
  // session = first + index + k * generation, so the slot is found again by modulo.
  std::int64_t session = first_request_session + index + k * ++s.generation;
  if (session > std::numeric_limits<std::int32_t>::max()) {
    s.generation = 0;
    session = first_request_session + index;
  }
  s.session = static_cast<std::int32_t>(session);
  // The batch's read time: the request leaves in the write that follows this batch.
  s.sent = now;
  protocol_->request_packet(s.session, packet_);
  append_packet(out_, ws(), packet_);
}

}  // namespace stratus::loadgen
