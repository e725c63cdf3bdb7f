#pragma once
#include <chrono>
#include <cstdint>

namespace stratus::runtime {

/// steady_clock's time read from the coarse kernel clock (a few ms resolution, ~5 ns to read):
/// good enough for call deadlines, cheap enough to read on every call.
std::chrono::steady_clock::time_point coarse_now() noexcept;

/// A cheap monotonic counter for timing handlers (TSC ticks on x86, else nanoseconds).
inline std::uint64_t cycle_count() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_ia32_rdtsc();
#else
  return static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}
/// Converts a difference of cycle_count() to nanoseconds.
std::uint64_t cycles_to_ns(std::uint64_t cycles) noexcept;
/// The cycle_count() ticks in `seconds` (for bounds compared with differences of it).
std::uint64_t seconds_to_cycles(double seconds) noexcept;

}  // namespace stratus::runtime
