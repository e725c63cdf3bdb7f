#include "fanout/member.hpp"

#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "common.pb.h"
#include "fanout/room_wire.hpp"
#include "game.pb.h"

namespace stratus::fanout {
namespace asio = boost::asio;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

constexpr std::int32_t login_session = 1;
constexpr std::int32_t join_session = 2;
constexpr std::int32_t first_say_session = 3;

std::uint64_t random_seed() {
  static thread_local std::mt19937_64 seeds{std::random_device{}()};
  return seeds();
}

// The error code of a common.Error body, for messages.
std::string error_code_of(std::string_view body) {
  common::Error e;
  if (!e.ParseFromArray(body.data(), static_cast<int>(body.size()))) return "undecodable error";
  return e.code() + (e.message().empty() ? "" : " (" + e.message() + ")");
}

}  // namespace

member::member(asio::io_context& io, run_state& run, worker_stats& stats, say_log& log, int index)
    : run_(run),
      stats_(stats),
      log_(log),
      index_(index),
      socket_(io),
      deadline_(io),
      pace_(io),
      reader_(loadgen::make_reader(run.opts.transport, "protobuf")),
      writer_(random_seed()),
      websocket_(run.opts.transport == "ws") {}

void member::arm_deadline(std::chrono::steady_clock::duration timeout) {
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
    auto m = self.lock();
    if (ec || !m) return;
    boost::system::error_code ignored;
    m->socket_.close(ignored);  // fails whatever waits on the socket
  });
}

asio::awaitable<std::string> member::request(const std::string& packet, std::int32_t session,
                                             std::string_view expect, std::string& body) {
  loadgen::append_packet(out_, ws(), packet);
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(out_), redirect_error(use_awaitable, ec));
  out_.clear();
  if (ec) co_return ec.message();
  for (;;) {
    std::string_view payload;
    switch (reader_.next(payload)) {
      case loadgen::frame_reader::event::none: {
        const auto space = reader_.space();
        const std::size_t n = co_await socket_.async_read_some(
            asio::buffer(space.data(), space.size()), redirect_error(use_awaitable, ec));
        if (ec) co_return ec.message();
        reader_.commit(n);
        break;
      }
      case loadgen::frame_reader::event::message: {
        const auto v = peek_packet(payload);
        if (!v) co_return "undecodable packet";
        if (v->session == 0) {  // a push (the login's welcome notice)
          if (v->seq != 0) last_seq_ = v->seq;
          break;
        }
        if (v->session != session) co_return "reply for session " + std::to_string(v->session);
        if (v->msg_type == expect) {
          body.assign(v->body);
          co_return std::string();
        }
        if (v->msg_type == "common.Error") co_return "refused: " + error_code_of(v->body);
        co_return "unexpected " + std::string(v->msg_type);
      }
      case loadgen::frame_reader::event::ping:
        writer_.append(out_, loadgen::ws_opcode::pong, payload);
        co_await asio::async_write(socket_, asio::buffer(out_), redirect_error(use_awaitable, ec));
        out_.clear();
        if (ec) co_return ec.message();
        break;
      case loadgen::frame_reader::event::pong:
        break;
      case loadgen::frame_reader::event::text:
        co_return "text message from the server";
      case loadgen::frame_reader::event::close:
        co_return "closed by the server";
      case loadgen::frame_reader::event::error:
        co_return reader_.problem();
    }
  }
}

asio::awaitable<bool> member::open() {
  const fanout_options& o = run_.opts;
  boost::system::error_code ec;
  std::string step = "connect", problem, body;
  arm_deadline(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(o.open_timeout)));
  co_await asio::async_connect(socket_, run_.targets, redirect_error(use_awaitable, ec));
  if (ec) problem = ec.message();
  if (problem.empty()) socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (problem.empty() && websocket_) {
    step = "handshake";
    problem = co_await loadgen::websocket_upgrade(socket_, reader_, o.host + ":" + o.port, o.path,
                                                  random_seed(), random_seed());
  }
  if (problem.empty()) {
    step = "login";
    login_packet(o.account_prefix + std::to_string(index_), o.password, login_session, packet_);
    problem = co_await request(packet_, login_session, "game.LoginResp", body);
    game::LoginResp resp;
    if (problem.empty() && (!resp.ParseFromString(body) || resp.token().empty())) {
      problem = "LoginResp without a token";
    }
    token_ = resp.token();
  }
  if (problem.empty()) {
    step = "join";
    join_packet(o.room, token_, join_session, packet_);
    problem = co_await request(packet_, join_session, "game.JoinResp", body);
  }
  deadline_.cancel();
  if (!problem.empty()) {
    stats_.open_failed.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error(step + " failed: " + problem);
    socket_.close(ec);
    co_return false;
  }
  stats_.joined.fetch_add(1, std::memory_order_relaxed);
  co_return true;
}

void member::start() {
  stats_.open.fetch_add(1, std::memory_order_relaxed);
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  process(now_ns());  // packets that arrived with the join reply
  flush();
  if (!done_) read();
}

void member::read() {
  // A receive through the reactor: once a read came back short, asio skips the speculative
  // recv and waits for the edge-triggered event, so each batch of pushes costs one recv. (An
  // async_wait would re-arm the descriptor with epoll_ctl every time: a second system call.)
  const auto space = reader_.space();
  socket_.async_read_some(asio::buffer(space.data(), space.size()),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

void member::on_read(boost::system::error_code ec, std::size_t n) {
  if (ec) {
    finish("connection lost: " + ec.message());
    return;
  }
  reader_.commit(n);
  process(now_ns());
  flush();
  if (!done_) read();
}

void member::process(std::int64_t now) {
  std::string_view payload;
  for (;;) {
    switch (reader_.next(payload)) {
      case loadgen::frame_reader::event::none:
        return;
      case loadgen::frame_reader::event::message:
        on_packet(payload, now);
        break;
      case loadgen::frame_reader::event::ping:
        if (!close_sent_) writer_.append(out_, loadgen::ws_opcode::pong, payload);
        break;
      case loadgen::frame_reader::event::pong:
        break;
      case loadgen::frame_reader::event::text:
        stats_.errors.fetch_add(1, std::memory_order_relaxed);
        stats_.note_error("text message from the server");
        break;
      case loadgen::frame_reader::event::close:
        if (!close_sent_) {  // answer the server's close, then wait for it to end the stream
          close_sent_ = true;
          writer_.append_close(out_, 1000);
          arm_deadline(std::chrono::seconds(2));
        }
        return;
      case loadgen::frame_reader::event::error:
        finish("protocol error: " + reader_.problem());
        return;
    }
  }
}

void member::on_packet(std::string_view packet, std::int64_t now) {
  const auto v = peek_packet(packet);
  if (!v) {
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("undecodable packet");
    return;
  }
  if (v->session == 0) {  // a push: its seq follows the last one
    if (v->seq != last_seq_ + 1) stats_.seq_gaps.fetch_add(1, std::memory_order_relaxed);
    last_seq_ = v->seq;
    if (v->msg_type != "game.RoomNotice") return;
    const auto say = say_number(v->field4);
    if (!say || !log_.record(*say, now)) {
      stats_.errors.fetch_add(1, std::memory_order_relaxed);
      stats_.note_error("RoomNotice without a say number in range");
      return;
    }
    if (expected_say_ >= 0 && *say != expected_say_) {
      stats_.out_of_order.fetch_add(1, std::memory_order_relaxed);
    }
    expected_say_ = std::int64_t{*say} + 1;
    return;
  }
  // A reply: only the speaker sends requests after joining.
  if (v->msg_type == "game.RoomSayResp") {
    game::RoomSayResp resp;
    if (resp.ParseFromArray(v->body.data(), static_cast<int>(v->body.size())) &&
        resp.delivered() != run_.opts.members) {
      stats_.errors.fetch_add(1, std::memory_order_relaxed);
      stats_.note_error("RoomSayResp: delivered " + std::to_string(resp.delivered()) + " of " +
                        std::to_string(run_.opts.members));
    }
  } else {
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error(v->msg_type == "common.Error" ? "error reply: " + error_code_of(v->body)
                                                    : "unexpected " + std::string(v->msg_type));
  }
  if (speaking_ && run_.opts.rate <= 0 && v->session == say_session_) say();  // closed loop
}

void member::speak() {
  speaking_ = true;
  if (run_.opts.rate > 0) {
    pace_.expires_at(std::chrono::steady_clock::now());
    schedule_say();
  } else {
    say();
    flush();
  }
}

void member::schedule_say() {
  pace_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || !self->speaking_) return;
    self->say();
    self->flush();
    if (!self->speaking_) return;
    // Absolute times: a late tick does not push the later ones back.
    self->pace_.expires_at(self->pace_.expiry() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(1.0 / self->run_.opts.rate)));
    self->schedule_say();
  });
}

void member::say() {
  const std::uint32_t k = run_.says_sent.load(std::memory_order_relaxed);
  const std::int64_t t = now_ns();
  if (done_ || close_sent_ || t >= run_.measure_until_ns || k >= run_.sent_ns.size()) {
    end_speaking();
    return;
  }
  if (t < run_.measure_from_ns) run_.first_measured = k + 1;  // still warming up
  say_session_ = first_say_session + static_cast<std::int32_t>(k % 0x7fff0000u);
  say_packet(run_.opts.room, say_text(k, run_.opts.text_bytes), token_, say_session_, packet_);
  run_.sent_ns[k] = t;
  loadgen::append_packet(out_, ws(), packet_);
  run_.says_sent.store(k + 1, std::memory_order_relaxed);
}

void member::end_speaking() {
  if (!speaking_) return;
  speaking_ = false;
  pace_.cancel();
  run_.end_measured = run_.says_sent.load(std::memory_order_relaxed);
  run_.first_measured = std::min(run_.first_measured, run_.end_measured);
  run_.speaker_done.store(true, std::memory_order_release);
}

void member::stop() {
  end_speaking();
  if (done_ || close_sent_) return;
  close_sent_ = true;
  if (websocket_) {
    writer_.append_close(out_, 1000);
    flush();
  } else {
    boost::system::error_code ignored;  // no close frame on TCP: end our side
    socket_.shutdown(loadgen::client_socket::shutdown_send, ignored);
  }
  arm_deadline(std::chrono::seconds(2));
}

void member::flush() {
  if (writing_ || out_.empty() || done_) return;
  boost::system::error_code ec;
  const std::size_t n = socket_.write_some(asio::buffer(out_), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
  } else if (ec) {
    return;  // shows up in the reader
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
                      if (!ec) self->flush();
                    });
}

void member::finish(std::string_view why) {
  if (done_) return;
  done_ = true;
  end_speaking();
  deadline_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (!run_.stopping.load(std::memory_order_relaxed)) {
    stats_.disconnects.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error(why);
  }
  stats_.open.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace stratus::fanout
