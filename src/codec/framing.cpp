#include "codec/framing.hpp"

#include <google/protobuf/message_lite.h>

#include <limits>
#include <stdexcept>

namespace stratus::codec {
namespace {

void write_prefix(std::uint32_t length, char* out) {
  out[0] = static_cast<char>(length & 0xffu);
  out[1] = static_cast<char>((length >> 8) & 0xffu);
  out[2] = static_cast<char>((length >> 16) & 0xffu);
  out[3] = static_cast<char>((length >> 24) & 0xffu);
}

std::uint32_t read_prefix(const char* in) {
  const auto byte = [in](int i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(in[i]));
  };
  return byte(0) | (byte(1) << 8) | (byte(2) << 16) | (byte(3) << 24);
}

std::uint32_t checked_length(std::size_t size) {
  // protobuf refuses messages over 2 GiB, so this only fires on a bug in the caller.
  if (size > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("protobuf packet body does not fit a u32 length prefix");
  }
  return static_cast<std::uint32_t>(size);
}

}  // namespace

result<std::string_view> unframe(std::string_view packet) {
  if (packet.size() < prefix_size) {
    return decode_error{error_code::invalid_message,
                        "packet has " + std::to_string(packet.size()) +
                            " bytes, shorter than the 4-byte length prefix",
                        std::nullopt};
  }
  const std::uint32_t length = read_prefix(packet.data());
  const std::size_t actual = packet.size() - prefix_size;
  if (length != actual) {
    return decode_error{error_code::invalid_message,
                        "length prefix says " + std::to_string(length) + " bytes but " +
                            std::to_string(actual) + " follow it",
                        std::nullopt};
  }
  return packet.substr(prefix_size);
}

void frame_into(std::string_view body, std::string& out) {
  out.resize(prefix_size + body.size());
  write_prefix(checked_length(body.size()), out.data());
  body.copy(out.data() + prefix_size, body.size());
}

void frame_into(const google::protobuf::MessageLite& message, std::string& out) {
  const std::size_t size = message.ByteSizeLong();
  out.resize(prefix_size + size);
  write_prefix(checked_length(size), out.data());
  auto* begin = reinterpret_cast<std::uint8_t*>(out.data() + prefix_size);
  message.SerializeWithCachedSizesToArray(begin);
}

}  // namespace stratus::codec
