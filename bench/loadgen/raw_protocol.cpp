#include "loadgen/raw_protocol.hpp"

#include <cstring>

namespace stratus::loadgen {

raw_protocol::raw_protocol(std::size_t payload_size) : request_(4 + payload_size, '\0') {
  for (std::size_t i = 0; i < payload_size; ++i) request_[4 + i] = static_cast<char>('a' + i % 26);
}

void raw_protocol::login_packet(std::string_view, std::string_view, std::int32_t,
                                std::string& out) {
  out.clear();  // nothing to log in to
}

void raw_protocol::request_packet(std::int32_t session, std::string& out) {
  const auto s = static_cast<std::uint32_t>(session);
  request_[0] = static_cast<char>(s & 0xff);
  request_[1] = static_cast<char>((s >> 8) & 0xff);
  request_[2] = static_cast<char>((s >> 16) & 0xff);
  request_[3] = static_cast<char>(s >> 24);
  out = request_;
}

reply raw_protocol::parse_reply(std::string_view packet) {
  if (packet.size() != request_.size()) return {reply::kind::bad, 0, "echo of another length"};
  const auto* p = reinterpret_cast<const unsigned char*>(packet.data());
  const auto session = static_cast<std::int32_t>(p[0] | (p[1] << 8) | (p[2] << 16) |
                                                 (static_cast<std::uint32_t>(p[3]) << 24));
  if (std::memcmp(packet.data() + 4, request_.data() + 4, request_.size() - 4) != 0) {
    return {reply::kind::error, session, "echo data differs"};
  }
  return {reply::kind::ok, session, {}};
}

}  // namespace stratus::loadgen
