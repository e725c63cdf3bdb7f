#include "gate/sproto_driver.hpp"

#include <stdexcept>

#include "codec/sproto_wire.hpp"
#include "runtime/log.hpp"
#include "sproto/unpacked_size.hpp"

namespace stratus::gate {

namespace {
runtime::log::limiter bad_packet_log(std::chrono::seconds(1));
// After a packet this large the host is made anew, so its unpack buffer does not stay large.
constexpr std::size_t trim_after = 8 * 1024;
}  // namespace

void sproto_session::set_user(std::string user, std::int64_t userid, std::string token) {
  if (userid != userid_ || !agent_.session() || agent_.session()->ended())
    agent_.set_session(agent_.hub().login(userid, user, std::move(token), agent_.connection_ptr()));
  user_ = std::move(user);
  userid_ = userid;
}

void sproto_session::resumed(session_ptr s) {
  user_ = s->name();
  userid_ = s->userid();
  agent_.set_session(std::move(s));
}

codec::push_ptr sproto_session::make_push(std::string_view name, const sproto::value& args) const {
  auto made = app_.pushes->make(name, args);
  if (!made) {
    runtime::log::warn("push {} not encoded: {}", name, made.err().message);
    return nullptr;
  }
  return *made;
}

bool sproto_session::push(std::string_view name, const sproto::value& args) {
  if (const session_ptr& s = agent_.session(); s && userid_ != 0) {
    codec::push_ptr body = make_push(name, args);
    return body && s->push(body);
  }
  auto packed = host_.request(app_.s2c, name, args);
  if (!packed) {
    runtime::log::warn("push {} not encoded: {}", name, packed.err().message);
    return false;
  }
  if (!codec::frame_sproto(*packed, scratch_)) {
    runtime::log::warn("push {} of {} bytes cannot be framed (max 65535)", name, packed->size());
    return false;
  }
  return agent_.send_packet(scratch_);
}

bool sproto_session::push(const codec::push_ptr& body) {
  if (!body) return false;
  if (const session_ptr& s = agent_.session(); s && userid_ != 0) return s->push(body);
  std::string packet;
  if (!app_.pushes->frame(*body, 0, packet)) return false;
  return agent_.send_packet(packet);
}

namespace {
runtime::task<bool> not_delivered() {
  co_return false;
}
}  // namespace

runtime::task<bool> sproto_session::push_to(const std::string& user, std::string_view name,
                                            const sproto::value& args) {
  codec::push_ptr body = make_push(name, args);
  if (!body) return not_delivered();
  return agent_.hub().deliver(agent_, 0, user, std::move(body));
}

runtime::task<std::size_t> sproto_session::room_broadcast(const std::string& room,
                                                          codec::push_ptr body) {
  return agent_.hub().room_broadcast(agent_, room, std::move(body));
}

runtime::task<std::size_t> sproto_session::room_size(const std::string& room) {
  return agent_.hub().room_size(agent_, room);
}

sproto_app& sproto_app::add(const std::string& name, sproto_handler fn) {
  if (!c2s || !c2s->find_protocol(std::string_view(name)))
    throw std::logic_error("sproto handler for unknown protocol " + name);
  handlers[name] = std::move(fn);
  return *this;
}

sproto_driver::sproto_driver(agent& a, std::shared_ptr<const sproto_app> app)
    : agent_(a),
      app_(std::move(app)),
      host_(std::move(*sproto::host::create(app_->c2s))),  // checked by make_sproto_game
      session_(a, host_, *app_) {}

void sproto_driver::start() {
  if (app_->heartbeat.count() > 0) agent_.fork(heartbeat_loop());
}

std::optional<runtime::task<void>> sproto_driver::decode(std::string_view packet, std::string& out,
                                                         bool& malformed) {
  const auto body = codec::unframe_sproto(packet);
  const auto expands_to = body ? sproto::unpacked_size(*body) : std::nullopt;
  auto in = !body ? sproto::result<sproto::incoming>(sproto::make_error(
                        sproto::error_kind::malformed, "length prefix mismatch"))
            : expands_to && *expands_to > codec::max_sproto_unpacked
                ? sproto::result<sproto::incoming>(sproto::make_error(
                      sproto::error_kind::malformed, "unpacks to over 256 KiB"))
                : host_.dispatch(*body);
  if (expands_to.value_or(packet.size()) > trim_after)
    host_ = std::move(*sproto::host::create(app_->c2s));
  auto* req = in ? std::get_if<sproto::incoming_request>(&*in) : nullptr;
  if (!req) {
    runtime::log::warn_limited(bad_packet_log, "connection {}: bad sproto packet ({} bytes): {}",
                               agent_.connection().id(), packet.size(),
                               in ? "a response, not a request" : in.err().message.c_str());
    reject(body.value_or(packet.size() >= 2 ? packet.substr(2) : std::string_view{}),
           body.has_value(), out, malformed);
    return std::nullopt;
  }
  auto it = app_->handlers.find(req->name());
  if (it == app_->handlers.end() && req->name() == "resume")
    return resume(std::move(*req));  // the gate's own (wire.md "Sessions"), unless the app has one
  if (it == app_->handlers.end()) {
    if (req->session) frame_into(*req->respond_error("UNKNOWN_MESSAGE_TYPE"), out);
    return std::nullopt;
  }
  return run(std::move(*req), &it->second);
}

void sproto_driver::reject(std::string_view body, bool framed_ok, std::string& out,
                           bool& malformed) {
  const sproto::schema& c2s = *app_->c2s;
  codec::sproto_header_seen seen = codec::peek_sproto_header(c2s, body);
  const sproto::protocol* proto = seen.tag ? c2s.find_protocol(*seen.tag) : nullptr;
  if (framed_ok && seen.tag && !proto) {
    // Well-formed, but a protocol this server does not know: not a malformed packet.
    if (seen.session)
      frame_into(codec::sproto_error_reply(c2s, *seen.session, nullptr, "UNKNOWN_MESSAGE_TYPE"),
                 out);
    return;
  }
  malformed = true;
  if (seen.session)
    frame_into(codec::sproto_error_reply(c2s, *seen.session, proto, "INVALID_MESSAGE"), out);
}

void sproto_driver::refuse(std::string_view packet, codec::error_code code, std::string_view,
                           std::string& out) {
  if (packet.size() < 2) return;
  const sproto::schema& c2s = *app_->c2s;
  codec::sproto_header_seen seen = codec::peek_sproto_header(c2s, packet.substr(2));
  if (!seen.session) return;
  frame_into(codec::sproto_error_reply(c2s, *seen.session,
                                       seen.tag ? c2s.find_protocol(*seen.tag) : nullptr,
                                       codec::to_wire(code)),
             out);
}

void sproto_driver::frame_into(const std::string& packed, std::string& out) {
  if (!codec::frame_sproto(packed, out)) out.clear();  // error replies are a few bytes
}

runtime::task<void> sproto_driver::run(sproto::incoming_request req, const sproto_handler* fn) {
  std::optional<gate::reply<sproto::value>> r;
  try {
    r.emplace(co_await (*fn)(session_, req.args));
  } catch (const std::exception& e) {
    agent_.report_exception(req.name(), e.what());
    r.emplace(handler_error{codec::error_code::internal, "internal error"});
  }
  agent_.note_answer(r->ok() ? std::nullopt : std::optional(r->error().code));
  if (!req.session) co_return;
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
    } else if (packed->size() > codec::max_sproto_body) {
      runtime::log::warn("reply to {} is {} bytes, over the 65535 a frame holds", req.name(),
                         packed->size());
      packed = sproto::make_error(sproto::error_kind::too_large, "");
    }
    if (!packed) packed = req.respond_error(codec::to_wire(codec::error_code::internal));
  } else {
    packed = req.respond_error(codec::to_wire(r->error().code));
  }
  frame_into(*packed, out_);
  agent_.send_packet(out_);
}

// The reply goes out first, then the pushes the client missed: written inside
// user_session::resume, to the connection directly.
runtime::task<void> sproto_driver::resume(sproto::incoming_request req) {
  const sproto::value* token = req.args.find("token");
  const sproto::value* last = req.args.find("last_seq");
  session_ptr found;
  if (token && token->is_bytes()) {
    auto finding = app_->hub->find_for_resume(agent_, token->as_bytes());
    found = co_await finding;
  }
  std::optional<std::uint32_t> replayed;
  if (found && last && last->is_int() && last->as_int() >= 0 && last->as_int() <= UINT32_MAX) {
    replayed = found->resume(agent_.connection_ptr(), static_cast<std::uint32_t>(last->as_int()),
                             [&](net::connection& c, std::uint32_t n) {
                               if (!req.session) return;
                               sproto::value v;
                               v["ok"] = true;
                               v["replayed"] = static_cast<std::int64_t>(n);
                               auto packed = req.respond(v);
                               if (packed && codec::frame_sproto(*packed, out_))
                                 c.send({reinterpret_cast<const std::uint8_t*>(out_.data()),
                                         out_.size()});
                               out_.clear();
                             });
  }
  if (!replayed) {
    agent_.note_answer(codec::error_code::resume_expired);
    if (req.session) {
      frame_into(*req.respond_error(codec::to_wire(codec::error_code::resume_expired)), out_);
      agent_.send_packet(out_);
    }
    co_return;
  }
  agent_.note_answer(std::nullopt);
  session_.resumed(std::move(found));
}

runtime::task<void> sproto_driver::heartbeat_loop() {
  while (!agent_.exiting()) {
    co_await agent_.sleep(app_->heartbeat);
    if (agent_.exiting() || !agent_.connection().is_open()) co_return;
    // One body for every session: a session keeps its recent pushes for a resume, and an idle
    // one would otherwise keep a copy of each heartbeat.
    if (app_->heartbeat_push)
      session_.push(app_->heartbeat_push);
    else
      session_.push("heartbeat");
  }
}

driver_factory sproto_drivers(std::shared_ptr<const sproto_app> app) {
  return [app = std::move(app)](agent& a) -> std::unique_ptr<protocol_driver> {
    return std::make_unique<sproto_driver>(a, app);
  };
}

}  // namespace stratus::gate
