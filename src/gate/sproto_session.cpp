#include "gate/sproto_session.hpp"

#include "codec/sproto_wire.hpp"
#include "gate/sproto_driver.hpp"
#include "runtime/log.hpp"

namespace stratus::gate {

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
    runtime::log::warn("push {} not encoded: {}", name, made.error().message);
    return nullptr;
  }
  return *made;
}

bool sproto_session::push_matches(std::int64_t tag, std::string_view name) const {
  const sproto::protocol* p = app_.s2c->find_protocol(tag);
  if (p && p->name == name) return true;
  runtime::log::warn("push {} not sent: the s2c schema has no protocol {} with tag {}", name, name,
                     tag);
  return false;
}

void sproto_session::push_not_encoded(std::string_view name, const std::string& why) {
  runtime::log::warn("push {} not encoded: {}", name, why);
}

bool sproto_session::push(std::string_view name, const sproto::value& args) {
  if (const session_ptr& s = agent_.session(); s && userid_ != 0) {
    codec::push_ptr body = make_push(name, args);
    return body && s->push(body);
  }
  auto packed = host_.request(app_.s2c, name, args);
  if (!packed) {
    runtime::log::warn("push {} not encoded: {}", name, packed.error().message);
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

runtime::task<bool> sproto_session::push_to(const std::string& user, std::string_view name,
                                            const sproto::value& args) {
  return agent_.hub().deliver(agent_, 0, user, make_push(name, args));
}

runtime::task<std::size_t> sproto_session::room_broadcast(const std::string& room,
                                                          codec::push_ptr body) {
  return agent_.hub().room_broadcast(agent_, room, std::move(body));
}

runtime::task<std::size_t> sproto_session::room_size(const std::string& room) {
  return agent_.hub().room_size(agent_, room);
}

}  // namespace stratus::gate
