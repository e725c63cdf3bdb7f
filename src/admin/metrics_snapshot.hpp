#pragma once
// Every figure /metrics shows, copied at scrape time (pull): plain data, no locks held.

#include <cstdint>
#include <optional>
#include <vector>

#include "backend/kv_stats.hpp"
#include "backend/sql_database.hpp"
#include "gate/request_metrics.hpp"
#include "runtime/stats.hpp"
#include "runtime/work_lane.hpp"

namespace stratus::admin {

/// The gate listener's counters (net::net_stats), copied on the gate's thread.
struct gate_figures {
  std::uint64_t accepted = 0;        ///< TCP connections accepted
  std::int64_t open = 0;             ///< open on the WebSocket port (wss: from the handshake on)
  std::uint64_t refused = 0;         ///< upgrades refused (any reason)
  std::uint64_t refused_full = 0;    ///< of those, because max_connections was reached
  std::uint64_t send_overflows = 0;  ///< connections dropped for a full send queue
  std::uint64_t bytes_in = 0;        ///< bytes read from sockets
  std::uint64_t bytes_out = 0;       ///< bytes written to sockets
  std::uint64_t messages_in = 0;     ///< binary messages received
  std::uint64_t messages_out = 0;    ///< binary messages sent
  std::uint64_t refused_tls = 0;     ///< of the refused, because the TLS handshake failed
};

/// The process as the kernel sees it (/proc/self).
struct process_figures {
  double resident_bytes = 0;      ///< RSS
  double virtual_bytes = 0;       ///< address space
  double cpu_seconds = 0;         ///< user + system CPU time
  double open_fds = 0;            ///< open file descriptors
  double max_fds = 0;             ///< RLIMIT_NOFILE soft limit
  double start_time_seconds = 0;  ///< process start, seconds since the epoch
  double threads = 0;             ///< kernel threads
};

/// One scrape's worth of figures; a missing optional means "that service did not answer".
struct metrics_snapshot {
  std::vector<runtime::service_stats> services;  ///< every live service
  std::vector<runtime::work_lane_stats> lanes;   ///< every work lane
  std::optional<gate_figures> gate;              ///< the listener, when `.gate` answered
  std::optional<backend::kv_stats> cache;        ///< `.cacheproxyd`, when it answered
  std::optional<backend::sql_stats> db;          ///< `.dbproxyd`, when it answered
  process_figures process;                       ///< /proc/self
  gate::request_figures requests;                ///< requests, error replies, closes
  std::vector<std::pair<std::string, std::uint64_t>> calls;  ///< call outcome -> calls
  double uptime_seconds = 0;                     ///< since the admin layer started
};

}  // namespace stratus::admin
