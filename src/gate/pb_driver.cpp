#include "gate/pb_driver.hpp"

#include "codec/framing.hpp"
#include "codec/header.hpp"
#include "common.pb.h"
#include "gate/request_metrics.hpp"
#include "runtime/clocks.hpp"
#include "runtime/log.hpp"

namespace stratus::gate {

namespace {
runtime::log::limiter bad_packet_log(std::chrono::seconds(1));
// A token verified by the token check (not issued on this connection) is asked again after
// this long, so one that expires or is revoked stops working here too.
constexpr std::chrono::seconds token_recheck{30};
}  // namespace

pb_driver::pb_driver(agent& a, std::shared_ptr<const pb_app> app)
    : agent_(a), app_(std::move(app)), session_(a) {}

// common.ResumeReq (wire.md "Sessions"): the reply goes out first, then the pushes the client
// missed, so the handler writes it itself, inside user_session::resume.
static runtime::task<std::optional<codec::error_code>> resume_session(pb_session& s,
    const google::protobuf::Message& m,
    std::int32_t session, std::string& out) {
  const auto& req = static_cast<const common::ResumeReq&>(m);
  session_ptr found = co_await s.hub().find_for_resume(s.self(), req.token());
  std::optional<std::uint32_t> replayed;
  if (found) {
    replayed = found->resume(s.owner().connection_ptr(), req.last_seq(),
                             [&](net::connection& c, std::uint32_t n) {
                               common::ResumeResp resp;
                               resp.set_userid(found->userid());
                               resp.set_replayed(n);
                               codec::encode(resp, session, out);
                               c.send({reinterpret_cast<const std::uint8_t*>(out.data()),
                                       out.size()});
                               out.clear();
                             });
  }
  if (!replayed) {
    codec::encode_error(codec::error_code::resume_expired,
                        "the session is gone (closed, expired or overflowed): log in again",
                        session, out);
    co_return codec::error_code::resume_expired;
  }
  s.resumed(std::move(found), token_recheck);
  co_return std::nullopt;
}

pb_app::pb_app() {
  handlers.add_entry<common::ResumeReq>(pb_handlers::entry{access::anyone, &resume_session});
}

std::optional<runtime::task<void>> pb_driver::decode(std::string_view packet, std::string& out,
                                                     bool& malformed) {
  auto decoded = app_->handlers.registry().decode_packet(packet);
  if (!decoded) {
    const codec::decode_error& e = decoded.error();
    runtime::log::warn_limited(bad_packet_log, "connection {}: {} ({})", agent_.connection().id(),
                               codec::to_wire(e.code), e.reason);
    codec::encode_error(e, out);
    request_metrics& metrics = request_metrics::instance();
    if (e.code == codec::error_code::unknown_message_type)
      metrics.count_unknown(wire_protocol::protobuf);
    metrics.count_error(e.code);
    malformed = e.code == codec::error_code::invalid_message;
    return std::nullopt;
  }
  return run(std::move(decoded).value());
}

void pb_driver::refuse(std::string_view packet, codec::error_code code, std::string_view why,
                       std::string& out) {
  auto body = codec::unframe(packet);
  if (!body) return;
  auto header = codec::peek_header(*body);
  if (!header) return;
  codec::encode_error(code, why, header->session_id, out);
}

runtime::task<void> pb_driver::run(codec::decoded_request<pb_handlers::entry> req) {
  const std::int32_t session = req.header->session_id();
  runtime::log::debug("request {} (session {}) on connection {}", req.header->msg_type(), session,
                      agent_.connection().id());
  bool allowed = req.handler->who == access::anyone || session_.holds(req.header->token());
  std::optional<handler_error> refusal;
  if (!allowed && !req.header->token().empty() && app_->check_token) {
    auto pending = app_->check_token(agent_, req.header->token());
    gate::reply<std::int64_t> user = co_await std::move(pending);
    if (user.ok()) {
      session_.set_user(user.value(), req.header->token(), token_recheck);
      allowed = true;
    } else if (user.error().code != codec::error_code::unauthorized) {
      refusal = std::move(user.error());  // the check itself failed: say so, not UNAUTHORIZED
    }
  }
  request_metrics& metrics = request_metrics::instance();
  if (refusal) {
    codec::encode_error(refusal->code, refusal->message, session, out_);
    metrics.count_error(refusal->code);
  } else if (!allowed) {
    codec::encode_error(codec::error_code::unauthorized, "log in first: missing or expired token",
                        session, out_);
    metrics.count_error(codec::error_code::unauthorized);
  } else {
    const bool timed = metrics.enabled();
    const std::uint64_t started = timed ? runtime::cycle_count() : 0;
    try {
      auto handled = req.handler->run(session_, *req.message, session, out_);
      std::optional<codec::error_code> code = co_await std::move(handled);
      agent_.note_answer(code);
    } catch (const std::exception& e) {
      agent_.report_exception(req.header->msg_type(), e.what());
      codec::encode_error(codec::error_code::internal, "internal error", session, out_);
      metrics.count_error(codec::error_code::internal);
    }
    if (timed) {
      metrics.count_request(wire_protocol::protobuf, req.handler->metric,
                            runtime::cycle_count() - started);
    }
  }
  agent_.send_packet(out_);
}

driver_factory pb_drivers(std::shared_ptr<const pb_app> app) {
  return [app = std::move(app)](agent& a) -> std::unique_ptr<protocol_driver> {
    return std::make_unique<pb_driver>(a, app);
  };
}

}  // namespace stratus::gate
