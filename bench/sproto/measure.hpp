#pragma once
// Timing for sproto_bench: the median rate of several timed runs of one operation.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace stratus::sproto::bench {

/// How long and how often each case runs.
struct plan {
  int runs = 5;          ///< timed runs per case; the median is reported
  double seconds = 0.4;  ///< length of one run
};

/// Runs `fn` for `p.runs` runs of `p.seconds` each and prints the median msg/s and MB/s
/// (`bytes` = packed size of one message).
template <class F>
void report(const plan& p, const char* api, const char* name, const char* op, std::size_t bytes,
            F&& fn) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 1000; ++i) fn();  // warm-up
  std::vector<double> rates;
  for (int r = 0; r < p.runs; ++r) {
    std::size_t n = 0;
    const auto start = clock::now();
    double secs = 0;
    do {
      for (int i = 0; i < 1000; ++i) fn();
      n += 1000;
      secs = std::chrono::duration<double>(clock::now() - start).count();
    } while (secs < p.seconds);
    rates.push_back(static_cast<double>(n) / secs);
  }
  std::sort(rates.begin(), rates.end());
  const double median = rates[rates.size() / 2];
  std::printf("%-9s %-8s %-22s %12.0f msg/s %9.1f MB/s  (%zu packed bytes, median of %d)\n", api,
              name, op, median, median * static_cast<double>(bytes) / 1e6, bytes, p.runs);
}

/// The benchmark cases of the dynamic API (value trees against a parsed schema).
void run_dynamic(const plan& p);
/// The benchmark cases of generated code (stratus-sproto gen on the same shapes).
void run_generated(const plan& p);

}  // namespace stratus::sproto::bench
