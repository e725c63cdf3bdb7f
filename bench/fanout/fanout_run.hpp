#pragma once
// One fan-out run: open the members, let the speaker say for warm-up + duration, wait for the
// last receipts, close; and the report of it (text or JSON).

#include <atomic>
#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "fanout/fanout_options.hpp"
#include "fanout/say_log.hpp"

namespace stratus::fanout {

/// What a run measured.
struct fanout_result {
  std::uint64_t joined = 0, open_failed = 0;  ///< members in the room / that never got in
  double connect_seconds = 0;                 ///< until every member joined or failed
  std::uint32_t says_sent = 0;                ///< says sent, warm-up included
  fanout_figures figures;                     ///< over the measured says
  std::uint64_t errors = 0, disconnects = 0, out_of_order = 0, seq_gaps = 0;
  double server_cpu_percent = 0;           ///< during the measured says (--server-pid)
  std::uint64_t server_rss_joined_kb = 0;  ///< server RSS once every member joined
  std::uint64_t server_rss_peak_kb = 0;    ///< peak server RSS during the says
  double client_cpu_percent = 0;           ///< this tool during the measured says
  std::string first_error;                 ///< the first failure seen, if any

  /// True when every member joined and got every say, with no error.
  bool complete() const noexcept {
    return open_failed == 0 && figures.says > 0 && figures.receipts == figures.expected &&
           errors == 0 && disconnects == 0;
  }
};

/// Runs the benchmark; `interrupted` (SIGINT) ends the current phase early.
fanout_result run_fanout(const fanout_options& opts,
                         const boost::asio::ip::tcp::resolver::results_type& targets,
                         const std::atomic<bool>& interrupted);

/// The human-readable summary.
std::string format_text(const fanout_options& o, const fanout_result& r);
/// The summary as one JSON object (stable keys, for scripts).
std::string format_json(const fanout_options& o, const fanout_result& r);

}  // namespace stratus::fanout
