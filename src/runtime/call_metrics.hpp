#pragma once
// How calls ended (ok, or each call_errc), counted where a call completes, per worker thread
// (no lock, no shared cache line on the hot path) and summed when read.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/result.hpp"

namespace stratus::runtime {

/// The process's call outcome counters.
class call_metrics {
 public:
  /// The process's counters.
  static call_metrics& instance();

  /// Turns counting on or off (`metrics` in config); on by default.
  void enable(bool on) noexcept { enabled_.store(on, std::memory_order_relaxed); }

  /// A call got its response.
  void count_ok() noexcept { count(0); }
  /// A call failed with `code`.
  void count_error(call_errc code) noexcept { count(static_cast<std::size_t>(code) + 1); }

  /// (outcome, calls) for "ok" and every call_errc name, summed over threads.
  std::vector<std::pair<std::string, std::uint64_t>> figures() const;

 private:
  static constexpr std::size_t outcomes = static_cast<std::size_t>(call_errc::node_down) + 2;
  using block = std::array<std::atomic<std::uint64_t>, outcomes>;

  void count(std::size_t outcome) noexcept;

  std::atomic<bool> enabled_{true};
  mutable std::mutex mutex_;  // guards blocks_: a thread's first call, and reads
  std::vector<std::unique_ptr<block>> blocks_;
};

}  // namespace stratus::runtime
