#pragma once
// The summary stratus-bench prints at the end (text or JSON).

#include <cstdint>
#include <string>

#include "loadgen/histogram.hpp"
#include "loadgen/options.hpp"

namespace stratus::loadgen {

/// Figures of one run, measured over the measurement window only (after warm-up).
struct summary {
  std::uint64_t connected = 0;       ///< connections logged in
  std::uint64_t connect_failed = 0;  ///< connections that never logged in
  double connect_seconds = 0;        ///< wall time until every connection was attempted
  histogram connect_us;              ///< per-connection connect + handshake + login time
  double seconds = 0;                ///< measurement window
  std::uint64_t requests = 0;        ///< good replies in the window
  std::uint64_t error_replies = 0;   ///< error replies in the window
  std::uint64_t mismatched = 0;      ///< replies for no request in flight, in the window
  std::uint64_t bad_packets = 0;     ///< undecodable packets in the window
  std::uint64_t disconnects = 0;     ///< connections lost before the end (whole run)
  std::uint64_t pushes = 0;          ///< server pushes (whole run)
  histogram latency_us;              ///< reply latency in the window
  std::string first_error;           ///< the first failure seen, if any
};

/// The human-readable summary.
std::string format_text(const options& o, const summary& s);

/// The summary as one JSON object (stable keys, for scripts).
std::string format_json(const options& o, const summary& s);

}  // namespace stratus::loadgen
