#include "fanout/room_wire.hpp"

#include <cstring>

#include "codec/encode.hpp"
#include "game.pb.h"

namespace stratus::fanout {
namespace {

/// A protobuf wire reader over a byte range (varints, tags, length-delimited fields).
class wire_reader {
 public:
  explicit wire_reader(std::string_view bytes) noexcept
      : p_(reinterpret_cast<const std::uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  bool done() const noexcept { return p_ == end_; }

  bool varint(std::uint64_t& v) noexcept {
    v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const std::uint8_t b = *p_++;
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }

  /// The next field: its number and wire type; a length-delimited value in `bytes`, a varint
  /// in `number`. False on malformed input.
  bool field(std::uint32_t& field_number, std::uint32_t& wire_type, std::uint64_t& number,
             std::string_view& bytes) noexcept {
    std::uint64_t tag;
    if (!varint(tag)) return false;
    field_number = static_cast<std::uint32_t>(tag >> 3);
    wire_type = static_cast<std::uint32_t>(tag & 7);
    switch (wire_type) {
      case 0:
        return varint(number);
      case 1:
        return skip(8);
      case 5:
        return skip(4);
      case 2: {
        std::uint64_t n;
        if (!varint(n) || n > static_cast<std::uint64_t>(end_ - p_)) return false;
        bytes = std::string_view(reinterpret_cast<const char*>(p_), n);
        p_ += n;
        return true;
      }
      default:
        return false;
    }
  }

 private:
  bool skip(std::size_t n) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < n) return false;
    p_ += n;
    return true;
  }

  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

template <class M>
void with_token(M& m, std::string_view token) {
  m.mutable_header()->set_token(std::string(token));
}

}  // namespace

void login_packet(std::string_view account, std::string_view password, std::int32_t session,
                  std::string& out) {
  game::LoginReq req;
  req.set_account(std::string(account));
  req.set_password(std::string(password));
  codec::encode(req, session, out);
}

void join_packet(std::string_view room, std::string_view token, std::int32_t session,
                 std::string& out) {
  game::JoinReq req;
  req.set_room(std::string(room));
  with_token(req, token);
  codec::encode(req, session, out);
}

void say_packet(std::string_view room, std::string_view text, std::string_view token,
                std::int32_t session, std::string& out) {
  game::RoomSayReq req;
  req.set_room(std::string(room));
  req.set_text(std::string(text));
  with_token(req, token);
  codec::encode(req, session, out);
}

std::string say_text(std::uint32_t say, std::size_t bytes) {
  std::string digits = std::to_string(say);
  std::string text(say_digits - digits.size(), '0');
  text += digits;
  if (text.size() < bytes) text.append(bytes - text.size(), 'x');
  return text;
}

std::optional<std::uint32_t> say_number(std::string_view text) noexcept {
  if (text.size() < say_digits) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < say_digits; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(n);
}

std::optional<packet_view> peek_packet(std::string_view packet) noexcept {
  if (packet.size() < 4) return std::nullopt;
  const auto* p = reinterpret_cast<const std::uint8_t*>(packet.data());
  const std::uint32_t length = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t{p[3]} << 24);
  if (length != packet.size() - 4) return std::nullopt;
  packet_view v;
  v.body = packet.substr(4);
  wire_reader message(v.body);
  std::uint32_t field = 0, type = 0;
  std::uint64_t number = 0;
  std::string_view bytes;
  constexpr std::uint32_t varint = 0, delimited = 2;
  while (!message.done()) {
    if (!message.field(field, type, number, bytes)) return std::nullopt;
    if (field == 4 && type == delimited) v.field4 = bytes;
    if (field != 1 || type != delimited) continue;
    wire_reader header(bytes);  // common.Header
    std::string_view inner;
    while (!header.done()) {
      if (!header.field(field, type, number, inner)) return std::nullopt;
      if (field == 1 && type == delimited) v.msg_type = inner;
      if (field == 2 && type == varint) v.session = static_cast<std::int32_t>(number);
      if (field == 4 && type == varint) v.seq = static_cast<std::uint32_t>(number);
    }
  }
  return v;
}

}  // namespace stratus::fanout
