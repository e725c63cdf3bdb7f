#include "gate/sproto_driver.hpp"

#include <stdexcept>

#include "codec/sproto_wire.hpp"
#include "gate/request_metrics.hpp"
#include "runtime/clocks.hpp"
#include "runtime/log.hpp"
#include "sproto/pack.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/unpacked_size.hpp"

namespace stratus::gate {

namespace {
runtime::log::limiter bad_packet_log(std::chrono::seconds(1));
// Buffers grown past this by one large packet are released once it has been served, so an
// idle connection stays small.
constexpr std::size_t trim_after = 8 * 1024;
}  // namespace

sproto_app& sproto_app::add(const std::string& name, sproto_handler fn) {
  const sproto::protocol* p = c2s ? c2s->find_protocol(std::string_view(name)) : nullptr;
  if (!p) throw std::logic_error("sproto handler for unknown protocol " + name);
  if (static_cast<std::size_t>(p->tag) < typed.size()) typed[static_cast<std::size_t>(p->tag)] = {};
  handlers[name] = std::move(fn);
  add_metric_row(p->tag, p->name);
  return *this;
}

void sproto_app::add_metric_row(std::int64_t tag, std::string_view name) {
  if (metric_rows.size() <= static_cast<std::size_t>(tag))
    metric_rows.resize(static_cast<std::size_t>(tag) + 1, request_metrics::other);
  metric_rows[static_cast<std::size_t>(tag)] =
      request_metrics::instance().add_message(wire_protocol::sproto, name);
}

sproto_typed_entry& sproto_app::typed_slot(std::int64_t tag, std::string_view name,
                                           bool has_request, bool has_response, bool confirm) {
  const sproto::protocol* p = c2s ? c2s->find_protocol(tag) : nullptr;
  if (!p || p->name != name || p->has_request() != has_request ||
      p->has_response() != has_response || p->confirm != confirm)
    throw std::logic_error("typed sproto handler for " + std::string(name) + " (tag " +
                           std::to_string(tag) + ") does not match the c2s schema");
  handlers.erase(p->name);
  if (typed.size() <= static_cast<std::size_t>(tag)) typed.resize(static_cast<std::size_t>(tag) + 1);
  sproto_typed_entry& e = typed[static_cast<std::size_t>(tag)];
  e.has_response = p->has_response();
  add_metric_row(tag, p->name);
  return e;
}

bool sproto_app::serves(std::string_view name) const {
  if (handlers.count(std::string(name))) return true;
  const sproto::protocol* p = c2s ? c2s->find_protocol(name) : nullptr;
  return p && typed_for(p->tag);
}

std::size_t sproto_app::served() const {
  std::size_t n = handlers.size();
  for (const sproto_typed_entry& e : typed) n += e.start ? 1 : 0;
  return n;
}

sproto_driver::sproto_driver(agent& a, std::shared_ptr<const sproto_app> app)
    : agent_(a),
      app_(std::move(app)),
      host_(std::move(*sproto::host::create(app_->c2s))),  // checked by make_sproto_game
      header_(host_.header()),
      session_(a, host_, *app_) {}

void sproto_driver::start() {
  if (app_->heartbeat.count() > 0) agent_.fork(heartbeat_loop());
}

std::optional<runtime::task<void>> sproto_driver::decode(std::string_view packet, std::string& out,
                                                         bool& malformed) {
  // No handler runs while a packet is decoded: a large buffer left by the last one can go.
  if (plain_.capacity() > trim_after) std::string().swap(plain_);
  const auto body = codec::unframe_sproto(packet);
  // A packed body unpacks to at most 8 times its size: only a body that could pass the cap is
  // walked to learn its size first.
  const auto expands_to =
      body && sproto::unpack_bound(body->size()) > codec::max_sproto_unpacked
          ? sproto::unpacked_size(*body)
          : std::nullopt;
  // Why the packet is refused (the error of the step that failed, or a fixed reason).
  std::optional<sproto::error> refused;
  const char* why = nullptr;
  if (!body) {
    why = "length prefix mismatch";
  } else if (expands_to && *expands_to > codec::max_sproto_unpacked) {
    why = "unpacks to over 256 KiB";
  } else if (auto plain = unpack(*body); !plain) {
    refused = plain.error();
  } else if (auto header = header_->read(*plain); !header) {
    refused = header.error();
  } else if (!header->tag) {
    why = "a response, not a request";
  } else if (const sproto_typed_entry* e = app_->typed_for(*header->tag)) {
    // Typed: generated code decodes the request from the unpacked bytes.
    const std::string_view args = plain->substr(header->used);
    begin_request(*header->tag);
    sproto_typed_start started = e->start(e->fn, *this, args, header->session, e->has_response);
    if (started.decoded) return std::move(started.rest);  // none: answered already
    why = "the request does not decode";
  } else {
    return decode_dynamic(*header, *body, plain->substr(header->used), out, malformed);
  }
  runtime::log::warn_limited(bad_packet_log, "connection {}: bad sproto packet ({} bytes): {}",
                             agent_.connection().id(), packet.size(),
                             why ? why : refused->message.c_str());
  reject(body.value_or(packet.size() >= 2 ? packet.substr(2) : std::string_view{}),
         body.has_value(), out, malformed);
  return std::nullopt;
}

sproto::result<std::string_view> sproto_driver::unpack(std::string_view body) {
  const std::size_t room = sproto::unpack_bound(body.size());
  if (room > trim_after) {  // a large body: grown as it unpacks, not sized for the worst case
    plain_.clear();
    if (auto st = sproto::unpack_to(body, plain_); !st) return st.error();
    return std::string_view(plain_);
  }
  // Straight into the kept buffer, sized once for the worst case (8x): no staging and no
  // zero-filling per packet.
  if (plain_.size() < room) plain_.resize(room);
  auto size = sproto::unpack_raw(body, plain_.data());
  if (!size) return size.error();
  return std::string_view(plain_.data(), *size);
}

std::optional<runtime::task<void>> sproto_driver::decode_dynamic(
    const sproto::header_fields& header, std::string_view packed, std::string_view body,
    std::string& out, bool& malformed) {
  const sproto::protocol* p = app_->c2s->find_protocol(*header.tag);
  auto args = p ? sproto::decode_body(*app_->c2s, *p, true, body)
                : sproto::result<sproto::value>(sproto::make_error(
                      sproto::error_kind::rpc,
                      "protocol tag " + std::to_string(*header.tag) + " not found"));
  if (!args) {
    runtime::log::warn_limited(bad_packet_log, "connection {}: bad sproto packet ({} bytes): {}",
                               agent_.connection().id(), packed.size() + 2, args.error().message);
    reject(packed, true, out, malformed);
    return std::nullopt;
  }
  sproto::incoming_request req{
      p, std::move(*args), header.session,
      header.ud ? std::optional<std::string>(std::string(*header.ud)) : std::nullopt, header_};
  auto it = app_->handlers.find(req.name());
  if (it == app_->handlers.end() && req.name() == "resume") {
    // The gate's own (wire.md "Sessions"), unless the app has one; counted by name as
    // protobuf's common.ResumeReq is (its row is made at the first resume).
    static const std::uint16_t resume_row =
        request_metrics::instance().add_message(wire_protocol::sproto, "resume");
    begin_request(p->tag);
    metric_row_ = resume_row;
    return resume(std::move(req));
  }
  if (it == app_->handlers.end()) {
    request_metrics::instance().count_unknown(wire_protocol::sproto);
    request_metrics::instance().count_error(codec::error_code::unknown_message_type);
    if (req.session) frame_into(*req.respond_error("UNKNOWN_MESSAGE_TYPE"), out);
    return std::nullopt;
  }
  begin_request(p->tag);
  return run(std::move(req), &it->second);
}

void sproto_driver::begin_request(std::int64_t tag) {
  metric_row_ = app_->metric_row(tag);
  if (runtime::log::enabled(runtime::log::level::debug)) {
    const sproto::protocol* p = app_->c2s->find_protocol(tag);
    runtime::log::debug("request {} on connection {}", p ? p->name : std::string_view("?"),
                        agent_.connection().id());
  }
  if (request_metrics::instance().enabled()) started_ = runtime::cycle_count();
}

void sproto_driver::end_request() {
  request_metrics& metrics = request_metrics::instance();
  if (!metrics.enabled()) return;
  metrics.count_request(wire_protocol::sproto, metric_row_, runtime::cycle_count() - started_);
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

bool sproto_driver::pack_reply(std::string& out) {
  // Packed straight after the 2-byte length, in room for the worst case (then trimmed).
  out.resize(2 + sproto::pack_bound(plain_reply_.size()));
  const std::size_t size = sproto::pack_raw(plain_reply_.data(), plain_reply_.size(), out.data() + 2);
  out.resize(2 + size);
  if (size > codec::max_sproto_body) {
    out.clear();
    return false;
  }
  out[0] = static_cast<char>(size >> 8);
  out[1] = static_cast<char>(size & 0xff);
  return true;
}

void sproto_driver::error_reply(std::int64_t session, bool has_response, std::string_view code,
                                std::string& out) {
  plain_reply_.clear();
  header_->encode(std::nullopt, session, code, plain_reply_);
  if (has_response) plain_reply_.append(2, '\0');  // empty struct (wire.md: errors)
  pack_reply(out);
}

void sproto_driver::answer(std::string_view protocol, std::optional<std::int64_t> session,
                           bool has_response, const handler_error* error, const void* message,
                           encode_fn encode) {
  agent_.note_answer(error ? std::optional(error->code) : std::nullopt);
  end_request();
  if (session) {
    if (error) {
      error_reply(*session, has_response, codec::to_wire(error->code), out_);
    } else {
      plain_reply_.clear();
      bool encoded = true;
      {
        sproto::gen::writer w(plain_reply_);  // trims plain_reply_ to the reply as it ends
        header_->encode_reply(*session, w);
        encoded = !has_response || encode(message, w);
      }
      if (!encoded) {
        runtime::log::error("reply to {} not encoded: {}", protocol,
                            sproto::gen::encode_error().message);
        error_reply(*session, has_response, codec::to_wire(codec::error_code::internal), out_);
      } else if (!pack_reply(out_)) {
        runtime::log::warn("reply to {} is over the 65535 bytes a frame holds", protocol);
        error_reply(*session, has_response, codec::to_wire(codec::error_code::internal), out_);
      }
    }
    agent_.send_packet(out_);
  }
  // The run is over: its request's views are no longer used.
  if (plain_.capacity() > trim_after) std::string().swap(plain_);
  if (plain_reply_.capacity() > trim_after) std::string().swap(plain_reply_);
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
  end_request();
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
      runtime::log::error("reply to {} not encoded: {}", req.name(), packed.error().message);
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
    end_request();
    if (req.session) {
      frame_into(*req.respond_error(codec::to_wire(codec::error_code::resume_expired)), out_);
      agent_.send_packet(out_);
    }
    co_return;
  }
  agent_.note_answer(std::nullopt);
  end_request();
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
