#pragma once
// CPU time and resident memory of a process, read from /proc (Linux), as bench/run.sh does.

#include <cstdint>

namespace stratus::fanout {

/// One reading of a process.
struct proc_reading {
  double cpu_seconds = 0;    ///< user + system time so far
  std::uint64_t rss_kb = 0;  ///< VmRSS
  bool ok = false;           ///< false when the process could not be read
};

/// Reads process `pid` (0: this process).
proc_reading read_proc(int pid);

/// CPU% between two readings `seconds` apart (100 = one core busy).
inline double cpu_percent(const proc_reading& a, const proc_reading& b, double seconds) {
  return a.ok && b.ok && seconds > 0 ? 100.0 * (b.cpu_seconds - a.cpu_seconds) / seconds : 0;
}

}  // namespace stratus::fanout
