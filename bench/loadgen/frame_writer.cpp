#include "loadgen/frame_writer.hpp"

#include <cstring>

namespace stratus::loadgen {

frame_writer::frame_writer(std::uint64_t seed) noexcept
    : state_(seed ^ 0x9e3779b97f4a7c15ULL) {
  if (state_ == 0) state_ = 1;  // xorshift never leaves zero
}

std::uint32_t frame_writer::next_key() noexcept {
  // xorshift64*: a few cycles per key, full period, no zero keys in practice.
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return static_cast<std::uint32_t>((state_ * 0x2545f4914f6cdd1dULL) >> 32);
}

void apply_mask(std::uint8_t* data, std::size_t size, std::uint32_t key) noexcept {
  std::uint8_t k[4];
  std::memcpy(k, &key, 4);
  // The key repeated over 8 bytes in memory order: XOR a word at a time, then the tail.
  std::uint8_t k8[8] = {k[0], k[1], k[2], k[3], k[0], k[1], k[2], k[3]};
  std::uint64_t wide;
  std::memcpy(&wide, k8, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    w ^= wide;
    std::memcpy(data + i, &w, 8);
  }
  for (; i < size; ++i) data[i] ^= k[i % 4];
}

void frame_writer::append(std::vector<std::uint8_t>& out, ws_opcode op,
                          std::string_view payload) {
  const std::size_t size = payload.size();
  std::uint8_t head[14];
  std::size_t n = 0;
  head[n++] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));  // FIN
  if (size < 126) {
    head[n++] = static_cast<std::uint8_t>(0x80 | size);
  } else if (size <= 0xffff) {
    head[n++] = 0x80 | 126;
    head[n++] = static_cast<std::uint8_t>(size >> 8);
    head[n++] = static_cast<std::uint8_t>(size);
  } else {
    head[n++] = 0x80 | 127;
    for (int shift = 56; shift >= 0; shift -= 8) {
      head[n++] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(size) >> shift);
    }
  }
  const std::uint32_t key = next_key();
  std::memcpy(head + n, &key, 4);
  n += 4;
  const std::size_t at = out.size();
  out.resize(at + n + size);
  std::memcpy(out.data() + at, head, n);
  if (size > 0) {
    std::memcpy(out.data() + at + n, payload.data(), size);
    apply_mask(out.data() + at + n, size, key);
  }
}

void frame_writer::append_close(std::vector<std::uint8_t>& out, std::uint16_t code) {
  const char body[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  append(out, ws_opcode::close, std::string_view(body, 2));
}

}  // namespace stratus::loadgen
