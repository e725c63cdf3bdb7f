#pragma once
// The front door of an agent: every packet is charged to the connection's budget, and the
// packets that arrive while a handler runs wait in a queue bounded in count and in bytes.

#include <cstddef>
#include <string>
#include <string_view>

#include "gate/connection_budget.hpp"
#include "gate/packet_queue.hpp"

namespace stratus::gate {

/// Limits of one connection's intake.
struct intake_limits {
  budget_options budget;                   ///< requests/s and bytes/s
  std::size_t max_pending = 256;           ///< packets waiting behind a running handler
  std::size_t max_pending_bytes = 1 << 20; ///< their bytes
};

/// What an agent does with each packet it is given; not thread-safe (the agent's thread).
class packet_intake {
 public:
  /// What to do with one packet.
  enum class action {
    handle_now,   ///< nothing runs: handle it at once
    queued,       ///< kept until the running handler finishes (take it with next())
    rate_limited, ///< over budget: answer RATE_LIMITED, do not serve
    over_budget,  ///< over budget for too long: close with 1008
    queue_full,   ///< too many packets or bytes waiting: close with 1008
  };

  explicit packet_intake(const intake_limits& limits) : limits_(limits), budget_(limits.budget) {}

  /// Decides about `packet`; `busy` says a handler of this connection is running.
  action offer(std::string_view packet, bool busy) {
    switch (budget_.charge(packet.size())) {
      case connection_budget::verdict::refuse:
        return action::rate_limited;
      case connection_budget::verdict::close:
        return action::over_budget;
      case connection_budget::verdict::admit:
        break;
    }
    if (!busy && waiting_.empty()) return action::handle_now;
    if (waiting_.size() >= limits_.max_pending ||
        waiting_.bytes() + packet.size() > limits_.max_pending_bytes)
      return action::queue_full;
    waiting_.push(packet);
    return action::queued;
  }
  /// True when packets wait.
  bool has_waiting() const noexcept { return !waiting_.empty(); }
  /// The oldest waiting packet; has_waiting() must be true.
  /// Moves the oldest waiting packet into `out` (its capacity reused).
  void next(std::string& out) { waiting_.pop(out); }
  /// Why a connection was closed for `a` (queue_full, over_budget), for the close frame.
  static const char* close_reason(action a) noexcept {
    return a == action::queue_full ? "too many requests waiting" : "sending over its budget";
  }

 private:
  const intake_limits& limits_;
  connection_budget budget_;
  packet_queue waiting_;
};

}  // namespace stratus::gate
