#pragma once
// Process-wide counters of one listener, updated from every worker thread.

#include <atomic>
#include <cstdint>

namespace stratus::net {

/// Counters of one listener; relaxed atomics, read them for logs and the console.
struct net_stats {
  /// TCP connections accepted.
  std::atomic<std::uint64_t> accepted{0};
  /// Connections currently open (upgrade done, not yet closed), and on a TLS port those in
  /// their TLS handshake or HTTP upgrade: the count max_connections caps.
  std::atomic<std::int64_t> open{0};
  /// Upgrades refused: 400, 403, 404, 503 answers and handshake timeouts.
  std::atomic<std::uint64_t> refused{0};
  /// Of those, refusals because max_connections was reached (503).
  std::atomic<std::uint64_t> refused_full{0};
  /// Of those, failed TLS handshakes (plain HTTP on a TLS port, TLS 1.1 or older, garbage).
  std::atomic<std::uint64_t> refused_tls{0};
  /// Connections closed because their send queue passed max_send_queue.
  std::atomic<std::uint64_t> send_overflows{0};
  /// Bytes read from / written to sockets (WebSocket framing included; with TLS, the bytes
  /// inside the records).
  std::atomic<std::uint64_t> bytes_in{0};
  /// Bytes written to sockets.
  std::atomic<std::uint64_t> bytes_out{0};
  /// Binary messages received / sent.
  std::atomic<std::uint64_t> messages_in{0};
  /// Binary messages sent.
  std::atomic<std::uint64_t> messages_out{0};
  /// async_write calls on sockets (messages_out / flushes = coalescing factor).
  std::atomic<std::uint64_t> flushes{0};
};

}  // namespace stratus::net
