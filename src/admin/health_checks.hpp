#pragma once
// /healthz and /readyz: liveness (every worker turns its mailboxes) and readiness (the gate
// listens, the cache and the database answer).

#include <string>
#include <vector>

#include "runtime/service.hpp"

namespace stratus::admin {

/// The outcome of one health check.
struct check_report {
  bool ok = true;                    ///< every part passed
  std::vector<std::string> reasons;  ///< one sentence per part that failed
  /// {"status":"ok"} or {"status":"fail","reasons":[...]}.
  std::string json() const;
};

/// A service with no work of its own, one per worker: answering a probe proves its worker
/// thread turns mailboxes.
class heartbeat : public runtime::service {};

/// Probes every heartbeat (one per worker); fails a worker that does not answer within 1 s.
runtime::task<check_report> check_live(runtime::service& self,
                                       std::vector<runtime::address> heartbeats);

/// The gate listens, `.cacheproxyd` answers PING and `.dbproxyd` answers SELECT 1, each within 1 s.
runtime::task<check_report> check_ready(runtime::service& self);

}  // namespace stratus::admin
