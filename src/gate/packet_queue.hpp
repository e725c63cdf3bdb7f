#pragma once
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace stratus::gate {

/// The packets that reached an agent while its handler was suspended, oldest first, back to
/// back in one buffer (two allocations for a burst, not one per packet). It holds no memory
/// while empty, which is how most connections spend most of their time (a std::deque would
/// keep 576 bytes per connection).
class packet_queue {
 public:
  bool empty() const noexcept { return head_ == sizes_.size(); }
  std::size_t size() const noexcept { return sizes_.size() - head_; }
  /// Bytes of the packets waiting.
  std::size_t bytes() const noexcept { return bytes_; }
  void push(std::string_view packet) {
    if (sizes_.empty()) {
      buffer_.reserve(std::max<std::size_t>(first_reserve, packet.size()));
      sizes_.reserve(16);
    }
    buffer_.append(packet);
    sizes_.push_back(packet.size());
    bytes_ += packet.size();
  }

  /// Moves the oldest packet into `out` (its capacity reused); the queue must not be empty.
  void pop(std::string& out) {
    const std::size_t n = sizes_[head_++];
    out.assign(buffer_, offset_, n);
    offset_ += n;
    bytes_ -= n;
    if (head_ == sizes_.size()) {
      std::string().swap(buffer_);
      std::vector<std::size_t>().swap(sizes_);
      head_ = 0;
      offset_ = 0;
    }
  }

 private:
  static constexpr std::size_t first_reserve = 512;

  std::string buffer_;               // the packets waiting, and those taken before them
  std::vector<std::size_t> sizes_;   // of each packet in buffer_, in order
  std::size_t head_ = 0;             // the next one to take
  std::size_t offset_ = 0;           // where it starts in buffer_
  std::size_t bytes_ = 0;
};

}  // namespace stratus::gate
