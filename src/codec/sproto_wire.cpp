#include "codec/sproto_wire.hpp"

#include "sproto/codec.hpp"
#include "sproto/pack.hpp"
#include "sproto/unpacked_size.hpp"

namespace stratus::codec {

bool frame_sproto(std::string_view body, std::string& out) {
  if (body.size() > max_sproto_body) return false;
  out.clear();
  out.push_back(static_cast<char>(body.size() >> 8));
  out.push_back(static_cast<char>(body.size() & 0xff));
  out.append(body);
  return true;
}

std::optional<std::string_view> unframe_sproto(std::string_view packet) {
  if (packet.size() < 2) return std::nullopt;
  const std::size_t length = (std::size_t{static_cast<unsigned char>(packet[0])} << 8) |
                             static_cast<unsigned char>(packet[1]);
  if (length != packet.size() - 2) return std::nullopt;
  return packet.substr(2);
}

sproto_header_seen peek_sproto_header(const sproto::schema& c2s, std::string_view body) {
  sproto_header_seen seen;
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

std::string sproto_error_reply(const sproto::schema& c2s, std::int64_t session,
                               const sproto::protocol* proto, std::string_view code) {
  sproto::value header;
  header["session"] = session;
  header["ud"] = sproto::value(code);
  std::string plain;
  // An integer and a string in the schema's own header type: nothing here can fail.
  (void)sproto::encode_to(c2s, *c2s.find_type("package"), header, plain);
  if (!proto || proto->has_response()) plain.append(2, '\0');
  return sproto::pack(plain);
}

}  // namespace stratus::codec
