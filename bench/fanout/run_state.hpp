#pragma once
// State shared by the main thread and the io threads of one stratus-fanout run.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "fanout/fanout_options.hpp"
#include "fanout/say_log.hpp"

namespace stratus::fanout {

using fanout_clock = std::chrono::steady_clock;

/// Nanoseconds of the steady clock, the unit of every timestamp of a run.
inline std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             fanout_clock::now().time_since_epoch())
      .count();
}

/// Read by every io thread; the plan is written by main before the speaker starts, the
/// speaker's results by the speaker's thread (published by speaker_done).
struct run_state {
  /// The run of `o` against `t`.
  run_state(const fanout_options& o, boost::asio::ip::tcp::resolver::results_type t)
      : opts(o), targets(std::move(t)) {}

  const fanout_options& opts;                            ///< the run's options
  boost::asio::ip::tcp::resolver::results_type targets;  ///< resolved once by main
  std::atomic<bool> stopping{false};                     ///< close every member
  std::int64_t measure_from_ns = 0;                      ///< says sent from here on are measured
  std::int64_t measure_until_ns = 0;                     ///< the speaker sends nothing after this
  std::vector<std::int64_t> sent_ns;                     ///< send time of say k (speaker's thread)
  std::atomic<std::uint32_t> says_sent{0};               ///< says sent so far
  std::uint32_t first_measured = 0;                      ///< first say measured
  std::uint32_t end_measured = 0;                        ///< one past the last say measured
  std::atomic<bool> speaker_done{false};                 ///< the fields above are final
};

/// One io thread's counters: atomics read live by main; first_error after the thread ended.
struct worker_stats {
  std::atomic<std::uint64_t> joined{0};        ///< members logged in and in the room
  std::atomic<std::uint64_t> open_failed{0};   ///< members that never joined
  std::atomic<std::int64_t> open{0};           ///< members connected now
  std::atomic<std::uint64_t> errors{0};        ///< error replies, undecodable packets
  std::atomic<std::uint64_t> disconnects{0};   ///< members lost before the end
  std::atomic<std::uint64_t> out_of_order{0};  ///< notices not right after the previous one
  std::atomic<std::uint64_t> seq_gaps{0};      ///< header.seq not one more than the last push's
  std::string first_error;                     ///< the first failure seen on this thread

  /// Keeps `what` when it is the thread's first failure.
  void note_error(std::string_view what) {
    if (first_error.empty()) first_error = std::string(what);
  }
};

}  // namespace stratus::fanout
