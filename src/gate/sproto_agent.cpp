#include "gate/sproto_agent.hpp"

#include <stdexcept>

#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "sproto/codec.hpp"
#include "sproto/pack.hpp"
#include "sproto/unpacked_size.hpp"

namespace stratus::gate {

namespace {
runtime::log::limiter bad_packet_log(std::chrono::seconds(1));

std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The most a packet may unpack to (a zero-filled 64 KiB body would unpack to 512 KiB). Packets
// past it are refused unread, as malformed.
constexpr std::size_t max_unpacked = 256 * 1024;
// After a packet this large the host is made anew, so its unpack buffer does not stay large.
constexpr std::size_t trim_after = 8 * 1024;

// An error reply built from a header alone (the request could not be dispatched): `ud` = code,
// plus an empty struct unless the protocol is known to have no response type (a protocol this
// server does not know may have one on the client's side, which then decodes it).
std::string error_reply(const sproto::schema& c2s, std::int64_t session,
                        const sproto::protocol* proto, std::string_view code) {
  sproto::value header;
  header["session"] = session;
  header["ud"] = sproto::value(code);
  std::string plain;
  sproto::encode_to(c2s, *c2s.find_type("package"), header, plain);
  if (!proto || proto->has_response()) plain.append(2, '\0');
  return sproto::pack(plain);
}

// What can be read of a packet's header: the session (to reply) and the protocol tag. Only a
// bounded prefix is unpacked: a header is a few dozen bytes.
struct header_seen {
  std::optional<std::int64_t> session;
  std::optional<std::int64_t> tag;
};
header_seen peek_header(const sproto::schema& c2s, std::string_view body) {
  header_seen seen;
  auto plain = sproto::unpack(sproto::packed_prefix(body, 256));
  if (!plain) return seen;
  auto header = sproto::decode(c2s, *c2s.find_type("package"), *plain);
  if (!header) return seen;
  const sproto::value* s = header->v.find("session");
  const sproto::value* t = header->v.find("type");
  if (s && s->is_int()) seen.session = s->as_int();
  if (t && t->is_int()) seen.tag = t->as_int();
  return seen;
}
}  // namespace

bool frame_sproto(std::string_view body, std::string& out) {
  if (body.size() > max_sproto_body) return false;
  out.clear();
  out.push_back(static_cast<char>(body.size() >> 8));
  out.push_back(static_cast<char>(body.size() & 0xff));
  out.append(body);
  return true;
}

bool sproto_session::push(std::string_view name, const sproto::value& args) {
  auto packed = host_.request(s2c_, name, args);
  if (!packed) {
    runtime::log::warn("push {} not encoded: {}", name, packed.err().message);
    return false;
  }
  if (!frame_sproto(*packed, scratch_)) {
    runtime::log::warn("push {} of {} bytes cannot be framed (max 65535)", name, packed->size());
    return false;
  }
  const bool sent =
      conn_.send({reinterpret_cast<const std::uint8_t*>(scratch_.data()), scratch_.size()});
  if (scratch_.capacity() > trim_after) std::string().swap(scratch_);  // one big push
  return sent;
}

sproto_app& sproto_app::add(const std::string& name, sproto_handler fn) {
  if (!c2s || !c2s->find_protocol(std::string_view(name)))
    throw std::logic_error("sproto handler for unknown protocol " + name);
  handlers[name] = std::move(fn);
  return *this;
}

sproto_agent::sproto_agent(net::connection_ptr conn, std::shared_ptr<const sproto_app> app)
    : conn_(std::move(conn)),
      app_(std::move(app)),
      link_(std::make_shared<agent_link>(this)),
      host_(std::move(*sproto::host::create(app_->c2s))),  // checked by make_sproto_game
      session_(*this, *conn_, host_, app_->s2c),
      intake_(app_->intake) {
  conn_->set_handler(link_);
}

sproto_agent::~sproto_agent() {
  link_->detach();
}

void sproto_agent::describe(runtime::handlers<sproto_agent>& h) {
  h.on(&sproto_agent::on_deliver);
  h.on(&sproto_agent::on_kick);
}

void sproto_agent::on_start() {
  send(".ws_proxyd", agent_opened{conn_->id(), self()});
  if (app_->heartbeat.count() > 0) fork(heartbeat_loop());
}

void sproto_agent::on_stop() {
  link_->detach();
  if (conn_->is_open()) conn_->close(1001, "server going away");
  send(".ws_proxyd", agent_closed{conn_->id()});
}

void sproto_agent::on_packet(std::span<const std::uint8_t> packet) {
  enter([&] {
    std::string_view bytes = as_chars(packet);
    switch (auto a = intake_.offer(bytes, busy_)) {
      case packet_intake::action::handle_now:
        handle(bytes);
        pump();
        return;
      case packet_intake::action::queued:
        return;
      case packet_intake::action::rate_limited:
        refuse(bytes, codec::to_wire(codec::error_code::rate_limited));
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

void sproto_agent::on_closed(const net::close_info& info) {
  enter([&] {
    runtime::log::debug("connection {} closed ({})", conn_->id(), info.code);
    exit();
  });
}

void sproto_agent::on_deliver(write_packet m) {
  conn_->send({reinterpret_cast<const std::uint8_t*>(m.packet.data()), m.packet.size()});
}

void sproto_agent::on_kick(kick m) {
  conn_->close(m.code, m.reason);
}

void sproto_agent::handle(std::string_view packet) {
  const bool framed_ok =
      packet.size() >= 2 && ((std::size_t{static_cast<unsigned char>(packet[0])} << 8) |
                             static_cast<unsigned char>(packet[1])) == packet.size() - 2;
  std::string_view body = packet.size() >= 2 ? packet.substr(2) : std::string_view{};
  const auto expands_to = framed_ok ? sproto::unpacked_size(body) : std::nullopt;
  auto in = !framed_ok ? sproto::result<sproto::incoming>(sproto::make_error(
                             sproto::error_kind::malformed, "length prefix mismatch"))
            : expands_to && *expands_to > max_unpacked
                ? sproto::result<sproto::incoming>(sproto::make_error(
                      sproto::error_kind::malformed, "unpacks to over 256 KiB"))
                : host_.dispatch(body);
  trim_buffers(expands_to.value_or(body.size()));
  auto* req = in ? std::get_if<sproto::incoming_request>(&*in) : nullptr;
  if (!req) {
    runtime::log::warn_limited(bad_packet_log, "connection {}: bad sproto packet ({} bytes): {}",
                               conn_->id(), packet.size(),
                               in ? "a response, not a request" : in.err().message.c_str());
    reject(body, framed_ok);
    return;
  }
  auto it = app_->handlers.find(req->name());
  if (it == app_->handlers.end()) {
    if (req->session) send_packed(*req->respond_error("UNKNOWN_MESSAGE_TYPE"));
    return;
  }
  bad_in_a_row_ = 0;
  busy_ = true;
  fork(run(std::move(*req), &it->second));
}

void sproto_agent::reject(std::string_view body, bool framed_ok) {
  const sproto::schema& c2s = *app_->c2s;
  header_seen seen = peek_header(c2s, body);
  const sproto::protocol* proto = seen.tag ? c2s.find_protocol(*seen.tag) : nullptr;
  if (framed_ok && seen.tag && !proto) {
    // Well-formed, but a protocol this server does not know: not a malformed packet.
    if (seen.session) send_packed(error_reply(c2s, *seen.session, nullptr, "UNKNOWN_MESSAGE_TYPE"));
    return;
  }
  if (seen.session) send_packed(error_reply(c2s, *seen.session, proto, "INVALID_MESSAGE"));
  if (++bad_in_a_row_ >= app_->max_bad_packets) conn_->close(1008, "too many malformed packets");
}

void sproto_agent::refuse(std::string_view packet, std::string_view code) {
  if (packet.size() < 2) return;
  const sproto::schema& c2s = *app_->c2s;
  header_seen seen = peek_header(c2s, packet.substr(2));
  if (!seen.session) return;
  send_packed(error_reply(c2s, *seen.session, seen.tag ? c2s.find_protocol(*seen.tag) : nullptr,
                          code));
}

void sproto_agent::trim_buffers(std::size_t packet_size) {
  if (packet_size > trim_after) host_ = std::move(*sproto::host::create(app_->c2s));
}

void sproto_agent::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (!busy_ && intake_.has_waiting() && !exiting()) {
    std::string packet = intake_.next();
    handle(packet);
  }
  pumping_ = false;
}

runtime::task<void> sproto_agent::run(sproto::incoming_request req, const sproto_handler* fn) {
  std::optional<gate::reply<sproto::value>> r;
  try {
    r.emplace(co_await (*fn)(session_, req.args));
  } catch (const std::exception& e) {
    report_exception(req.name(), e.what());
    r.emplace(handler_error{codec::error_code::internal, "internal error"});
  }
  if (req.session) {
    sproto::result<std::string> packed = sproto::make_error(sproto::error_kind::rpc, "");
    if (r->ok()) {
      sproto::value& v = r->value();
      if (!req.proto->has_response())
        v = sproto::value();
      else if (v.is_nil())
        v = sproto::value::make_object();
      packed = req.respond(v);
      if (!packed) {
        runtime::log::error("reply to {} not encoded: {}", req.name(), packed.err().message);
      } else if (packed->size() > max_sproto_body) {
        runtime::log::warn("reply to {} is {} bytes, over the 65535 a frame holds", req.name(),
                           packed->size());
        packed = sproto::make_error(sproto::error_kind::too_large, "");
      }
      if (!packed) packed = req.respond_error(codec::to_wire(codec::error_code::internal));
    } else {
      packed = req.respond_error(codec::to_wire(r->error().code));
    }
    send_packed(*packed);
  }
  busy_ = false;
  pump();
}

runtime::task<void> sproto_agent::heartbeat_loop() {
  while (!exiting()) {
    co_await sleep(app_->heartbeat);
    if (exiting() || !conn_->is_open()) co_return;
    session_.push("heartbeat");
  }
}

void sproto_agent::send_packed(const std::string& packed) {
  if (!frame_sproto(packed, out_)) return;  // error replies are a few bytes: never happens
  if (!conn_->send({reinterpret_cast<const std::uint8_t*>(out_.data()), out_.size()})) {
    runtime::log::debug("reply to connection {} not sent (closed or send queue full)", conn_->id());
  }
  if (out_.capacity() > trim_after) std::string().swap(out_);  // one big reply: give it back
}

void start_sproto_agent(runtime::node& node, int worker, const net::connection_ptr& conn,
                        const std::shared_ptr<const sproto_app>& app) {
  node.launch_on<sproto_agent>(worker, conn, app);
}

}  // namespace stratus::gate
