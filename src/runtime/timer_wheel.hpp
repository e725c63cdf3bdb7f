#pragma once
#include <chrono>
#include <cstdint>
#include <vector>

namespace stratus::runtime {

/// One pending deadline, embedded in whatever waits for it (a call, a sleep).
struct timer_node {
  timer_node* prev = nullptr;
  timer_node* next = nullptr;
  std::uint64_t due_tick = 0;
  std::size_t* armed_count = nullptr;  // the owning wheel's count, while linked
  void (*fire)(timer_node*) = nullptr;

  bool linked() const noexcept { return prev != nullptr; }
  /// Removes the node from whatever list holds it; safe when not linked.
  void unlink() noexcept;
  ~timer_node() { unlink(); }
};

/// A hashed timing wheel owned by one worker thread: O(1) add and cancel, so every call can
/// carry a timeout at no measurable cost. Resolution is one tick.
class timer_wheel {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds tick{5};

  timer_wheel();
  timer_wheel(const timer_wheel&) = delete;
  timer_wheel& operator=(const timer_wheel&) = delete;

  /// Arms node to fire after `delay` (rounded up to a tick).
  void add(timer_node& node, std::chrono::milliseconds delay);
  /// Fires every node whose deadline has passed; returns how many fired.
  std::size_t advance(clock::time_point now);
  /// True when nothing is armed.
  bool empty() const noexcept { return count_ == 0; }
  /// The time of the next tick boundary after `now`.
  clock::time_point next_tick(clock::time_point now) const;

 private:
  static constexpr std::size_t slot_count = 4096;
  std::uint64_t tick_of(clock::time_point t) const;
  static void push_back(timer_node& head, timer_node& n) noexcept;

  clock::time_point origin_;
  std::uint64_t done_tick_ = 0;  // every tick <= done_tick_ has been processed
  std::size_t count_ = 0;
  std::vector<timer_node> slots_;  // sentinels of circular lists
};

}  // namespace stratus::runtime
