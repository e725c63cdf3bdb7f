#pragma once
// Reads the process's own figures from /proc (prometheus-cpp has no process collector).

#include <string>

#include "admin/metrics_snapshot.hpp"

namespace stratus::admin {

/// RSS, CPU time, file descriptors, threads and start time of this process; fields it cannot
/// read stay 0.
process_figures read_process_figures();

/// Parses the text of /proc/<pid>/stat into `out` (CPU time, threads, sizes, start time);
/// false when the text is not in that format. Exposed for tests.
bool parse_proc_stat(const std::string& text, long ticks_per_s, long page_size, double boot_time_s,
                     process_figures& out);

}  // namespace stratus::admin
