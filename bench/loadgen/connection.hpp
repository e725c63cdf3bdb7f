#pragma once
// One WebSocket client connection of the load generator.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "loadgen/protocol.hpp"
#include "loadgen/run_state.hpp"
#include "net/coalescing_stream.hpp"

namespace stratus::loadgen {

/// Opens (connect, handshake, login), then runs a closed loop of `inflight` echo requests:
/// each reply, matched by session, sends the next request. Lives on one io thread. Writes go
/// through net::coalescing_stream, so requests queued in one turn leave in one system call.
class connection : public std::enable_shared_from_this<connection> {
 public:
  /// Connection number `index` (account <prefix><index>) on `io`.
  connection(boost::asio::io_context& io, run_state& run, worker_stats& stats, int index,
             std::unique_ptr<bench_protocol> protocol);

  /// Connects, upgrades and logs in within opts.open_timeout; false (and counted) on failure.
  boost::asio::awaitable<bool> open();

  /// The request loop (none with --connect-only) until stop(); then closes politely.
  boost::asio::awaitable<void> run();

  /// Asks run() to stop sending and close; call on the connection's io thread.
  void stop();

 private:
  struct slot {
    std::int32_t session = 0;  // session of the request in flight, 0 when free
    std::uint32_t generation = 0;
    bench_clock::time_point sent;
  };

  boost::asio::awaitable<void> close_when_stopped();
  void send_request(std::uint32_t index);
  void arm_deadline(bench_clock::duration timeout);
  void on_reply(const reply& r, bench_clock::time_point now);
  slot* find_slot(std::int32_t session) noexcept;

  run_state& run_;
  worker_stats& stats_;
  int index_;
  std::unique_ptr<bench_protocol> protocol_;
  boost::asio::io_context& io_;
  net::coalescing_stream::socket_type socket_;  // until connected; then owned by ws_
  std::optional<boost::beast::websocket::stream<net::coalescing_stream>> ws_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer deadline_;  // bounds open() and the final close
  boost::beast::flat_buffer read_buffer_;
  std::string write_buffer_;
  std::vector<slot> slots_;
  bool closer_waiting_ = false;
  bool closed_ = false;
};

}  // namespace stratus::loadgen
