#pragma once
// What one connection may send: requests per second and bytes per second (token buckets), and
// how long it may go on sending over budget before it is cut off.

#include <algorithm>
#include <chrono>
#include <cstddef>

#include "runtime/clocks.hpp"

namespace stratus::gate {

/// Limits of one connection (config keys in brackets). The defaults are far above what a game
/// client sends and far below what a flood sends.
struct budget_options {
  double requests_per_s = 1000;     ///< sustained requests [max_requests_per_s]
  double request_burst = 2000;      ///< requests allowed at once after a quiet spell
  double bytes_per_s = 1 << 20;     ///< sustained bytes [max_bytes_per_s]
  double byte_burst = 4 << 20;      ///< bytes allowed at once (at least one largest packet)
  int strikes = 100;  ///< packets refused in a row (RATE_LIMITED) before the 1008 close
};

/// The token buckets of one connection; not thread-safe (the agent's thread only).
class connection_budget {
 public:
  using clock = std::chrono::steady_clock;
  /// What to do with a packet.
  enum class verdict {
    admit,  ///< serve it
    refuse, ///< answer RATE_LIMITED without serving it
    close,  ///< the client keeps going over budget: close with 1008
  };

  explicit connection_budget(const budget_options& o, clock::time_point now = runtime::coarse_now())
      : opts_(&o), requests_(o.request_burst), bytes_(o.byte_burst), last_(now) {}

  /// Charges one packet of `size` bytes. Its bytes count whatever the verdict (they arrived);
  /// a refused packet costs no request token.
  /// The clock is the coarse one (a few ms): buckets of a second need no more, and it is read
  /// for every packet.
  verdict charge(std::size_t size, clock::time_point now = runtime::coarse_now()) {
    refill(now);
    bytes_ -= static_cast<double>(size);  // may go into debt: a byte flood stays refused
    if (bytes_ < 0 || requests_ < 1) {
      return ++strikes_ >= opts_->strikes ? verdict::close : verdict::refuse;
    }
    requests_ -= 1;
    strikes_ = 0;
    return verdict::admit;
  }

 private:
  void refill(clock::time_point now) {
    const double s = std::chrono::duration<double>(now - last_).count();
    if (s <= 0) return;
    last_ = now;
    requests_ = std::min(opts_->request_burst, requests_ + s * opts_->requests_per_s);
    bytes_ = std::min(opts_->byte_burst, bytes_ + s * opts_->bytes_per_s);
  }

  const budget_options* opts_;
  double requests_;
  double bytes_;
  clock::time_point last_;
  int strikes_ = 0;
};

}  // namespace stratus::gate
