#include "gate/pb_agent.hpp"

#include "codec/framing.hpp"
#include "codec/header.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

namespace stratus::gate {

namespace {
runtime::log::limiter bad_packet_log(std::chrono::seconds(1));
// A token verified by the token check (not issued on this connection) is asked again after
// this long, so one that expires or is revoked stops working here too.
constexpr std::chrono::seconds token_recheck{30};
// Reply buffers larger than this are released after use.
constexpr std::size_t keep_reply_capacity = 4096;
}

pb_agent::pb_agent(net::connection_ptr conn, std::shared_ptr<const pb_app> app)
    : conn_(std::move(conn)),
      app_(std::move(app)),
      link_(std::make_shared<agent_link>(this)),
      session_(*this, *conn_),
      intake_(app_->intake) {
  conn_->set_handler(link_);
}

pb_agent::~pb_agent() {
  link_->detach();
}

void pb_agent::describe(runtime::handlers<pb_agent>& h) {
  h.on(&pb_agent::on_deliver);
  h.on(&pb_agent::on_kick);
}

void pb_agent::on_start() {
  send(".ws_proxyd", agent_opened{conn_->id(), self()});
}

void pb_agent::on_stop() {
  link_->detach();
  if (conn_->is_open()) conn_->close(1001, "server going away");
  send(".ws_proxyd", agent_closed{conn_->id()});
}

void pb_agent::on_packet(std::span<const std::uint8_t> packet) {
  enter([&] {
    std::string_view bytes(reinterpret_cast<const char*>(packet.data()), packet.size());
    switch (auto a = intake_.offer(bytes, busy_)) {
      case packet_intake::action::handle_now:
        handle(bytes);
        pump();
        return;
      case packet_intake::action::queued:
        return;
      case packet_intake::action::rate_limited:
        refuse(bytes, codec::error_code::rate_limited, "over the request budget; slow down");
        return;
      case packet_intake::action::over_budget:
      case packet_intake::action::queue_full:
        runtime::log::warn_limited(bad_packet_log, "connection {} from {}: {}", conn_->id(),
                                   session_.peer_address(), packet_intake::close_reason(a));
        conn_->close(1008, packet_intake::close_reason(a));
        return;
    }
  });
}

void pb_agent::refuse(std::string_view packet, codec::error_code code, std::string_view why) {
  auto body = codec::unframe(packet);
  if (!body) return;
  auto header = codec::peek_header(*body);
  if (!header) return;
  codec::encode_error(code, why, header->session_id, out_);
  send_out();
}

void pb_agent::on_closed(const net::close_info& info) {
  enter([&] {
    runtime::log::debug("connection {} closed ({})", conn_->id(), info.code);
    exit();
  });
}

void pb_agent::on_deliver(write_packet m) {
  conn_->send({reinterpret_cast<const std::uint8_t*>(m.packet.data()), m.packet.size()});
}

void pb_agent::on_kick(kick m) {
  conn_->close(m.code, m.reason);
}

void pb_agent::handle(std::string_view packet) {
  auto decoded = app_->handlers.registry().decode_packet(packet);
  if (!decoded) {
    const codec::decode_error& e = decoded.error();
    runtime::log::warn_limited(bad_packet_log, "connection {}: {} ({})", conn_->id(),
                               codec::to_wire(e.code), e.reason);
    codec::encode_error(e, out_);
    send_out();
    if (e.code == codec::error_code::invalid_message && ++bad_in_a_row_ >= app_->max_bad_packets) {
      conn_->close(1008, "too many malformed packets");
    }
    return;
  }
  bad_in_a_row_ = 0;
  busy_ = true;
  fork(run(std::move(decoded).value()));
}

void pb_agent::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (!busy_ && intake_.has_waiting() && !exiting()) {
    std::string packet = intake_.next();
    handle(packet);
  }
  pumping_ = false;
}

bool pb_agent::authorized(const std::string& token) const {
  return session_.holds(token);
}

runtime::task<void> pb_agent::run(codec::decoded_request<pb_handlers::entry> req) {
  const std::int32_t session = req.header->session_id();
  bool allowed = req.handler->who == access::anyone || authorized(req.header->token());
  std::optional<handler_error> refusal;
  if (!allowed && !req.header->token().empty() && app_->check_token) {
    auto pending = app_->check_token(*this, req.header->token());
    gate::reply<std::int64_t> user = co_await std::move(pending);
    if (user.ok()) {
      session_.set_user(user.value(), req.header->token(), token_recheck);
      allowed = true;
    } else if (user.error().code != codec::error_code::unauthorized) {
      refusal = std::move(user.error());  // the check itself failed: say so, not UNAUTHORIZED
    }
  }
  if (refusal) {
    codec::encode_error(refusal->code, refusal->message, session, out_);
  } else if (!allowed) {
    codec::encode_error(codec::error_code::unauthorized, "log in first: missing or expired token",
                        session, out_);
  } else {
    try {
      auto handled = req.handler->run(session_, *req.message, session, out_);
      co_await std::move(handled);
    } catch (const std::exception& e) {
      report_exception(req.header->msg_type(), e.what());
      codec::encode_error(codec::error_code::internal, "internal error", session, out_);
    }
  }
  send_out();
  busy_ = false;
  pump();
}

void pb_agent::send_out() {
  if (out_.size() > 4 &&
      !conn_->send({reinterpret_cast<const std::uint8_t*>(out_.data()), out_.size()})) {
    runtime::log::debug("reply to connection {} not sent (closed or send queue full)", conn_->id());
  }
  // One large reply must not leave a large buffer behind on an idle connection.
  if (out_.capacity() > keep_reply_capacity) std::string().swap(out_);
}

void start_pb_agent(runtime::node& node, int worker, const net::connection_ptr& conn,
                    const std::shared_ptr<const pb_app>& app) {
  node.launch_on<pb_agent>(worker, conn, app);
}

}  // namespace stratus::gate
