#pragma once
// State shared by the main thread and the io threads of one stratus-bench run.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <openssl/ssl.h>

#include "loadgen/histogram.hpp"
#include "loadgen/options.hpp"

namespace stratus::loadgen {

using bench_clock = std::chrono::steady_clock;

/// Read by every connection; written only by the main thread.
struct run_state {
  const options& opts;                                   ///< the run's options
  boost::asio::ip::tcp::resolver::results_type targets;  ///< resolved once by main
  SSL_CTX* tls = nullptr;                                ///< wss:// (--tls): client context
  std::atomic<bool> measuring{false};                    ///< latencies are recorded
  std::atomic<bool> stopping{false};                     ///< no new requests; close
};

/// One io thread's counters. The atomics are written by their thread and read by main for
/// the progress line; the histograms are read by main only after the thread has ended.
struct worker_stats {
  std::atomic<std::uint64_t> replies{0};         ///< good replies (whole run)
  std::atomic<std::uint64_t> error_replies{0};   ///< common.Error or bad echo data
  std::atomic<std::uint64_t> mismatched{0};      ///< replies for no request in flight
  std::atomic<std::uint64_t> bad_packets{0};     ///< packets that do not decode
  std::atomic<std::uint64_t> disconnects{0};     ///< connections lost before the end
  std::atomic<std::uint64_t> pushes{0};          ///< server pushes received
  std::atomic<std::uint64_t> connected{0};       ///< connections logged in
  std::atomic<std::uint64_t> connect_failed{0};  ///< connections that never logged in
  std::atomic<std::int64_t> open{0};             ///< connections open now
  histogram latency_us;                          ///< reply latency while measuring
  histogram connect_us;                          ///< connect + handshake + login time
  std::string first_error;                       ///< the first failure seen, for the report

  /// All error kinds together.
  std::uint64_t errors() const noexcept {
    return error_replies.load(std::memory_order_relaxed) +
           mismatched.load(std::memory_order_relaxed) +
           bad_packets.load(std::memory_order_relaxed) +
           disconnects.load(std::memory_order_relaxed);
  }
  /// Keeps `what` when it is the first failure of this thread.
  void note_error(std::string_view what) {
    if (first_error.empty()) first_error = std::string(what);
  }
};

}  // namespace stratus::loadgen
