#pragma once
// One member of the room: connects (plain TCP or WebSocket), logs in as a new account, joins
// the room, then counts its RoomNotice pushes. Member 0 is also the speaker.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "fanout/run_state.hpp"
#include "loadgen/link.hpp"

namespace stratus::fanout {

/// Lives on one io thread. After open() the member only reads: one recv per batch of pushes,
/// one clock read per batch, and a look at each packet's wire bytes (room_wire.hpp) instead
/// of a full decode.
class member : public std::enable_shared_from_this<member> {
 public:
  /// Member `index` (account <prefix><index>) on `io`, recording receipts in `log`.
  member(boost::asio::io_context& io, run_state& run, worker_stats& stats, say_log& log, int index);

  /// Connects, upgrades (ws), logs in and joins within opts.open_timeout; false on failure.
  boost::asio::awaitable<bool> open();
  /// Starts reading pushes until stop().
  void start();
  /// The speaker: says until run.measure_until_ns, closed loop or at opts.rate; then sets
  /// run.speaker_done. Call on the io thread after start().
  void speak();
  /// Closes politely (WebSocket close frame or TCP shutdown; at most 2 s); on the io thread.
  void stop();

 private:
  boost::asio::awaitable<std::string> request(const std::string& packet, std::int32_t session,
                                              std::string_view expect, std::string& body);
  void read();
  void on_read(boost::system::error_code ec, std::size_t n);
  void process(std::int64_t now);
  void on_packet(std::string_view packet, std::int64_t now);
  void say();
  void schedule_say();
  void end_speaking();
  void flush();
  void finish(std::string_view why);
  void arm_deadline(std::chrono::steady_clock::duration timeout);
  loadgen::frame_writer* ws() noexcept { return websocket_ ? &writer_ : nullptr; }

  run_state& run_;
  worker_stats& stats_;
  say_log& log_;
  int index_;
  loadgen::client_socket socket_;
  boost::asio::steady_timer deadline_;  // bounds open() and the final close
  boost::asio::steady_timer pace_;      // the speaker's next say at a fixed rate
  loadgen::frame_reader reader_;
  loadgen::frame_writer writer_;
  std::vector<std::uint8_t> out_;
  std::vector<std::uint8_t> sending_;
  std::string packet_;
  std::string token_;
  std::int64_t expected_say_ = -1;  // the say number the next notice should carry
  std::uint32_t last_seq_ = 0;      // header.seq of the last push
  std::int32_t say_session_ = 0;    // session of the speaker's say waiting for its reply
  bool websocket_;
  bool speaking_ = false;
  bool writing_ = false;
  bool close_sent_ = false;
  bool done_ = false;
};

}  // namespace stratus::fanout
