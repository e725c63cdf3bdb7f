#pragma once
#include <chrono>
#include <cstdint>

namespace stratus::runtime {

/// steady_clock's time read from the coarse kernel clock (a few ms resolution, ~5 ns to read):
/// good enough for call deadlines, cheap enough to read on every call.
std::chrono::steady_clock::time_point coarse_now() noexcept;

/// A cheap monotonic counter for timing handlers (TSC ticks on x86, else nanoseconds).
std::uint64_t cycle_count() noexcept;
/// Converts a difference of cycle_count() to nanoseconds.
std::uint64_t cycles_to_ns(std::uint64_t cycles) noexcept;
/// The seconds since `started` (a cycle_count()), for handler timings.
inline double seconds_since(std::uint64_t started) noexcept {
  return 1e-9 * static_cast<double>(cycles_to_ns(cycle_count() - started));
}

}  // namespace stratus::runtime
