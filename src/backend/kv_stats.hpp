#pragma once
// Counters a cache service reports in its statistics.

#include <cstdint>

namespace stratus::backend {

/// A snapshot of a key-value store's counters.
struct kv_stats {
  std::uint64_t pool_size = 0;        ///< configured connections (1 for the in-process store)
  std::uint64_t connections_up = 0;   ///< connections open right now
  std::uint64_t commands_ok = 0;      ///< commands that got a reply (error replies included)
  std::uint64_t commands_failed = 0;  ///< commands that got no reply: down, timeout, lost
  std::uint64_t error_replies = 0;    ///< replies that were server errors (WRONGTYPE, ...)
  std::uint64_t reconnects = 0;       ///< connections re-established after a loss
};

}  // namespace stratus::backend
