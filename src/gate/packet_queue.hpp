#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stratus::gate {

/// The packets that reached an agent while its handler was suspended, oldest first. It holds
/// no memory while empty, which is how most connections spend most of their time (a
/// std::deque would keep 576 bytes per connection).
class packet_queue {
 public:
  bool empty() const noexcept { return head_ == items_.size(); }
  std::size_t size() const noexcept { return items_.size() - head_; }
  /// Bytes of the packets waiting.
  std::size_t bytes() const noexcept { return bytes_; }
  void push(std::string_view packet) {
    items_.emplace_back(packet);
    bytes_ += packet.size();
  }

  /// The oldest packet; the queue must not be empty.
  std::string pop() {
    std::string packet = std::move(items_[head_++]);
    bytes_ -= packet.size();
    if (head_ == items_.size()) {
      std::vector<std::string>().swap(items_);
      head_ = 0;
    }
    return packet;
  }

 private:
  std::vector<std::string> items_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace stratus::gate
