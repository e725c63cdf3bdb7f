#pragma once
// Gathers a metrics_snapshot from inside a service: node counters directly, the gate's listener
// counters by a probe run on the gate's thread, the proxies' figures by their stats messages.

#include <chrono>

#include "admin/metrics_snapshot.hpp"
#include "runtime/service.hpp"

namespace stratus::admin {

/// How long one scrape waits for each service it asks (a stuck service leaves a gap, not a hang).
inline constexpr std::chrono::milliseconds scrape_wait{1000};

/// The gate's counters, or nothing when `.gate` is gone or did not answer within scrape_wait.
runtime::task<std::optional<gate_figures>> ask_gate(runtime::service& self);

/// Every figure of /metrics; `started` is when the admin layer started (uptime).
runtime::task<metrics_snapshot> collect_snapshot(runtime::service& self,
                                                 std::chrono::steady_clock::time_point started);

}  // namespace stratus::admin
