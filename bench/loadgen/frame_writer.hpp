#pragma once
// Client-side WebSocket frames (RFC 6455 5.2), written straight into a send buffer.

#include <cstdint>
#include <string_view>
#include <vector>

namespace stratus::loadgen {

/// WebSocket opcodes the load generator sends or receives.
enum class ws_opcode : std::uint8_t {
  continuation = 0x0,  ///< next fragment of a message
  text = 0x1,          ///< text message (never used by stratus)
  binary = 0x2,        ///< binary message: one application packet
  close = 0x8,         ///< close handshake
  ping = 0x9,          ///< ping: answered with a pong
  pong = 0xa,          ///< pong
};

/// Appends whole, masked client frames to a byte buffer. Every frame gets a fresh masking
/// key from a fast pseudo-random generator (like Beast with secure_prng(false)): RFC 6455
/// requires a new, unpredictable key per frame so that proxies cannot be steered by the
/// payload; a load test needs no cryptographic strength. Masking runs 8 bytes at a time.
class frame_writer {
 public:
  /// A writer whose keys come from a generator seeded with `seed` (any value).
  explicit frame_writer(std::uint64_t seed) noexcept;

  /// Appends one final frame of type `op` carrying `payload`, masked.
  void append(std::vector<std::uint8_t>& out, ws_opcode op, std::string_view payload);
  /// Appends a close frame with status `code` and no reason.
  void append_close(std::vector<std::uint8_t>& out, std::uint16_t code);

  /// The next masking key (exposed for tests).
  std::uint32_t next_key() noexcept;

 private:
  std::uint64_t state_;
};

/// XORs `size` bytes at `data` with the 4-byte `key` (in wire order), starting at key byte 0.
void apply_mask(std::uint8_t* data, std::size_t size, std::uint32_t key) noexcept;

}  // namespace stratus::loadgen
