#include "runtime/clocks.hpp"

#include <time.h>

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define STRATUS_HAS_TSC 1
#endif

namespace stratus::runtime {

std::chrono::steady_clock::time_point coarse_now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(std::chrono::seconds(ts.tv_sec) +
                                               std::chrono::nanoseconds(ts.tv_nsec));
}

namespace {
#ifdef STRATUS_HAS_TSC
double measure_ns_per_cycle() {
  using namespace std::chrono;
  const auto t0 = steady_clock::now();
  const std::uint64_t c0 = __rdtsc();
  std::this_thread::sleep_for(milliseconds(20));
  const std::uint64_t c1 = __rdtsc();
  const auto t1 = steady_clock::now();
  const double ns = static_cast<double>(duration_cast<nanoseconds>(t1 - t0).count());
  return c1 > c0 ? ns / static_cast<double>(c1 - c0) : 1.0;
}

double ns_per_cycle() noexcept {
  static const double ratio = measure_ns_per_cycle();
  return ratio;
}
#else
double ns_per_cycle() noexcept { return 1.0; }
#endif
}  // namespace

std::uint64_t cycles_to_ns(std::uint64_t cycles) noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(cycles) * ns_per_cycle());
}

std::uint64_t seconds_to_cycles(double seconds) noexcept {
  return static_cast<std::uint64_t>(seconds * 1e9 / ns_per_cycle());
}

}  // namespace stratus::runtime
