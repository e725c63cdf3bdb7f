#include "gate/agent.hpp"

#include "gate/request_metrics.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

namespace stratus::gate {

namespace {
runtime::log::limiter agent_log(std::chrono::seconds(1));
// Buffers larger than this are released after use.
constexpr std::size_t keep_capacity = 4096;

/// Empties a buffer for reuse, releasing it when a large packet grew it.
void clear_for_reuse(std::string& buffer) {
  if (buffer.capacity() > keep_capacity) std::string().swap(buffer);
  else buffer.clear();
}
}  // namespace

agent::agent(net::connection_ptr conn, const driver_factory& make)
    : conn_(std::move(conn)),
      link_(std::make_shared<agent_link>(this)),
      driver_(make(*this)),
      intake_(driver_->limits()) {
  conn_->set_handler(link_);
}

agent::~agent() {
  link_->detach();
}

void agent::describe(runtime::handlers<agent>& h) {
  h.on(&agent::on_deliver);
  h.on(&agent::on_kick);
  h.on(&agent::on_drain);
}

void agent::on_start() {
  send(".ws_proxyd", agent_opened{conn_->id(), self()});
  driver_->start();
}

void agent::on_stop() {
  link_->detach();
  if (conn_->is_open()) conn_->close(1001, "server shutting down");
  if (session_ && session_->on(conn_->id())) hub().end(session_, session_end::shutdown);
  send(".ws_proxyd", agent_closed{conn_->id()});
}

void agent::on_packet(std::span<const std::uint8_t> packet) {
  enter([&] {
    if (draining_) return;  // going away: nothing new is served
    std::string_view bytes(reinterpret_cast<const char*>(packet.data()), packet.size());
    switch (auto a = intake_.offer(bytes, busy_)) {
      case packet_intake::action::handle_now:
        handle(bytes);
        pump();
        return;
      case packet_intake::action::queued:
        return;
      case packet_intake::action::rate_limited:
        driver_->refuse(bytes, codec::error_code::rate_limited, "over the request budget; slow down",
                        scratch_);
        request_metrics::instance().count_error(codec::error_code::rate_limited);
        send_packet(scratch_);
        return;
      case packet_intake::action::over_budget:
      case packet_intake::action::queue_full:
        runtime::log::warn_limited(agent_log, "connection {} from {}: {}", conn_->id(),
                                   conn_->remote_endpoint().address().to_string(),
                                   packet_intake::close_reason(a));
        conn_->close(1008, packet_intake::close_reason(a));
        return;
    }
  });
}

void agent::on_closed(const net::close_info& info) {
  enter([&] {
    runtime::log::debug("connection {} closed ({})", conn_->id(), info.code);
    request_metrics::instance().count_close(info.code);
    if (session_ && session_->on(conn_->id())) {
      // A close frame from the client (1000/1001) ends the session; a connection that just
      // dropped (no close frame: 1006, and every peer close on TCP) leaves it waiting for a
      // resume. A close the server started ends it for that reason.
      if (info.by_peer && info.code != 1000 && info.code != 1001)
        hub().dropped(session_, conn_->id());
      else
        hub().end(session_, !info.by_peer ? (info.code == 1001 ? session_end::shutdown
                                                               : session_end::failed)
                                          : session_end::closed);
    }
    exit();
  });
}

void agent::on_deliver(write_packet m) {
  conn_->send({reinterpret_cast<const std::uint8_t*>(m.packet.data()), m.packet.size()});
}

void agent::on_kick(kick m) {
  conn_->close(m.code, m.reason);
}

void agent::on_drain(drain) {
  draining_ = true;
  close_if_drained();
}

void agent::close_if_drained() {
  if (!draining_ || busy_ || intake_.has_waiting()) return;
  // Sessions are not kept for a resume on a node that is going away.
  if (session_ && session_->on(conn_->id())) hub().end(session_, session_end::shutdown);
  if (conn_->is_open()) conn_->close(1001, "server shutting down");
}

void agent::note_answer(std::optional<codec::error_code> code) {
  constexpr int refused_in_a_row = 10;
  if (code) request_metrics::instance().count_error(*code);
  if (code != codec::error_code::rate_limited) {
    limited_in_a_row_ = 0;
    return;
  }
  if (++limited_in_a_row_ < refused_in_a_row) return;
  runtime::log::warn_limited(agent_log, "connection {} from {}: kept retrying while rate limited",
                             conn_->id(), conn_->remote_endpoint().address().to_string());
  conn_->close(1008, "kept retrying while rate limited");
}

void agent::set_session(session_ptr s) {
  if (session_ && session_ != s && session_->on(conn_->id()))
    hub().end(session_, session_end::replaced);  // this connection logged in as someone else
  session_ = std::move(s);
}

bool agent::send_packet(std::string& packet) {
  const bool sent =
      !packet.empty() &&
      conn_->send({reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size()});
  if (!sent && !packet.empty())
    runtime::log::debug("packet to connection {} not sent (closed or send queue full)", conn_->id());
  clear_for_reuse(packet);
  return sent;
}

void agent::handle(std::string_view packet) {
  // Every line logged for this request, here and in the services it calls, carries its id.
  runtime::log::request_scope request(runtime::log::next_request_id());
  bool malformed = false;
  std::optional<runtime::task<void>> work = driver_->decode(packet, scratch_, malformed);
  if (!malformed) bad_in_a_row_ = 0;
  if (!work) {  // refused, or answered already (a handler that did not wait)
    send_packet(scratch_);
    if (malformed && ++bad_in_a_row_ >= driver_->max_bad_packets())
      conn_->close(1008, "too many malformed packets");
    return;
  }
  busy_ = true;
  // Most handlers answer without waiting: run here, they need no root coroutine. One that
  // waits goes on in serve(), which takes it where it stopped.
  if (!work->start()) return adopt(serve(std::move(*work)));
  try {
    work->result();
  } catch (const std::exception& e) {
    report_exception("a request", e.what());  // the drivers answer their handlers' exceptions
  }
  busy_ = false;
  close_if_drained();  // the caller (on_packet, pump) takes the next packet
}

runtime::detail::root_task agent::serve(runtime::task<void> work) {
  try {
    co_await work;
  } catch (const std::exception& e) {
    report_exception("a request", e.what());
  }
  busy_ = false;
  pump();
  close_if_drained();
}

void agent::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (!busy_ && intake_.has_waiting() && !exiting()) {
    intake_.next(next_packet_);
    handle(next_packet_);
    clear_for_reuse(next_packet_);
  }
  pumping_ = false;
}

void start_agent(runtime::node& node, int worker, const net::connection_ptr& conn,
                 const driver_factory& make) {
  node.launch_on<agent>(worker, conn, make);
}

}  // namespace stratus::gate
