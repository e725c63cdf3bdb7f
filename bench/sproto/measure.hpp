#pragma once
// Timing for sproto_bench: the median rate of several timed runs of one operation.

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace stratus::sproto::bench {

/// How long and how often each case runs.
struct plan {
  int runs = 5;          ///< timed runs per case; the median is reported
  double seconds = 0.4;  ///< length of one run
  std::string only;      ///< when set, only cases whose name is this (signin, medium, 4KiB)
};

/// CPU time of the calling thread, in seconds: on a machine shared with other work, time spent
/// descheduled does not count against the code being measured.
inline double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Runs `fn` for `p.runs` runs of `p.seconds` (thread CPU time) each and prints the median
/// msg/s and MB/s (`bytes` = packed size of one message).
template <class F>
void report(const plan& p, const char* api, const char* name, const char* op, std::size_t bytes,
            F&& fn) {
  if (!p.only.empty() && p.only != name) return;
  for (int i = 0; i < 1000; ++i) fn();  // warm-up
  std::vector<double> rates;
  for (int r = 0; r < p.runs; ++r) {
    std::size_t n = 0;
    const double start = thread_seconds();
    double secs = 0;
    do {
      for (int i = 0; i < 1000; ++i) fn();
      n += 1000;
      secs = thread_seconds() - start;
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
