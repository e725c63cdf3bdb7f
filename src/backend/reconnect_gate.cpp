#include "backend/reconnect_gate.hpp"

#include <algorithm>

namespace stratus::backend {

reconnect_gate::reconnect_gate(std::chrono::milliseconds first, std::chrono::milliseconds max)
    : first_(first), max_(std::max(first, max)), delay_(first) {}

bool reconnect_gate::may_connect() {
  std::lock_guard lock(mutex_);
  if (!down_) return true;
  if (probing_ || clock::now() < retry_at_) return false;
  probing_ = true;  // this caller probes; the others keep failing fast until it reports back
  return true;
}

void reconnect_gate::connected() {
  std::lock_guard lock(mutex_);
  down_ = false;
  probing_ = false;
  delay_ = first_;
}

void reconnect_gate::connect_failed() {
  std::lock_guard lock(mutex_);
  if (down_ && !probing_ && clock::now() < retry_at_) return;  // already counted by a peer
  down_ = true;
  probing_ = false;
  retry_at_ = clock::now() + delay_;
  delay_ = std::min(delay_ * 2, max_);
}

bool reconnect_gate::down() const {
  std::lock_guard lock(mutex_);
  return down_;
}

std::chrono::milliseconds reconnect_gate::next_delay() const {
  std::lock_guard lock(mutex_);
  return delay_;
}

}  // namespace stratus::backend
