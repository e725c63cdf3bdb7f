#pragma once
// Per-request counters of the gate (requests by message type, error replies by code, handler
// latency, closes by code), kept per worker thread so the hot path takes no lock and looks up
// no string: a message type gets its index once, when the app registers its handler.
// A scrape sums every thread's block.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "codec/error_code.hpp"

namespace stratus::gate {

/// The protocol label of a request.
enum class wire_protocol : std::uint8_t { protobuf, sproto };

/// The counters summed over threads, copied at scrape time.
struct request_figures {
  /// One message type (or "other"): its requests and handler latency histogram.
  struct message_row {
    std::string protocol;
    std::string message;
    std::uint64_t requests = 0;
    std::vector<std::uint64_t> buckets;  ///< per upper bound of handler_buckets, not cumulative
    std::uint64_t over = 0;              ///< slower than the last bound
    double seconds = 0;                  ///< sum of handler times
  };
  std::vector<message_row> messages;
  std::vector<std::pair<std::string, std::uint64_t>> errors;  ///< wire code -> replies
  std::vector<std::pair<std::string, std::uint64_t>> closes;  ///< close code -> connections
};

/// The node's request counters (one per process: agents of every worker add to it).
class request_metrics {
 public:
  /// Upper bounds of the handler latency histogram, in seconds.
  static constexpr std::array<double, 10> handler_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                             0.025,  0.05,  0.25,   1,     5};
  /// Close codes with a label of their own; the others count as "other".
  static constexpr std::array<std::uint16_t, 10> close_codes = {1000, 1001, 1002, 1006, 1008,
                                                                1009, 1011, 4001, 4002, 4003};
  /// Message types with a row of their own, per process; later ones count as "other".
  static constexpr std::size_t max_messages = 126;
  /// The index of the "other" row.
  static constexpr std::uint16_t other = max_messages;

  /// The process's counters.
  static request_metrics& instance();

  /// Gives a registered request type its row (once, at registration; the same name twice gets
  /// the same row). Returns `other` when the table is full.
  std::uint16_t add_message(wire_protocol protocol, std::string_view name);

  /// Turns counting on or off (`metrics` in config); on by default.
  void enable(bool on) noexcept { enabled_.store(on, std::memory_order_relaxed); }
  bool enabled() const noexcept { return enabled_.load(std::memory_order_relaxed); }

  /// A request of row `message` was handled in `cycles` (a difference of
  /// runtime::cycle_count(): no clock conversion on the request path).
  void count_request(wire_protocol protocol, std::uint16_t message,
                     std::uint64_t cycles) noexcept;
  /// A request of a type nobody registered (row "other", no handler time).
  void count_unknown(wire_protocol protocol) noexcept;
  /// An error reply with `code`.
  void count_error(codec::error_code code) noexcept;
  /// A connection closed with `code`.
  void count_close(std::uint16_t code) noexcept;

  /// Every thread's counters summed.
  request_figures figures() const;

 private:
  static constexpr std::size_t rows = max_messages + 1;
  static constexpr std::size_t error_codes = 8;
  using counter = std::atomic<std::uint64_t>;
  /// One thread's counters: written by that thread only, read by scrapes.
  struct block {
    std::array<std::array<counter, rows>, 2> requests{};  // [protocol][row]
    std::array<std::array<counter, handler_buckets.size() + 1>, rows> latency{};
    std::array<counter, rows> latency_cycles{};
    std::array<counter, error_codes> errors{};
    std::array<counter, close_codes.size() + 1> closes{};
  };
  struct row_name {
    wire_protocol protocol;
    std::string name;
  };

  request_metrics();
  block& mine();

  std::array<std::uint64_t, handler_buckets.size()> bucket_cycles_{};  // the bounds in cycles
  std::atomic<bool> enabled_{true};
  mutable std::mutex mutex_;  // guards blocks_ and names_ (registration and scrapes only)
  std::vector<std::unique_ptr<block>> blocks_;
  std::vector<row_name> names_;
};

}  // namespace stratus::gate
