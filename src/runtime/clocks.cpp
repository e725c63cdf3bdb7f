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

#ifdef STRATUS_HAS_TSC
namespace {
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
}  // namespace

std::uint64_t cycle_count() noexcept { return __rdtsc(); }
std::uint64_t cycles_to_ns(std::uint64_t cycles) noexcept {
  static const double ratio = measure_ns_per_cycle();
  return static_cast<std::uint64_t>(static_cast<double>(cycles) * ratio);
}
#else
std::uint64_t cycle_count() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
}
std::uint64_t cycles_to_ns(std::uint64_t cycles) noexcept { return cycles; }
#endif

}  // namespace stratus::runtime
