#pragma once
// One client connection of the load generator (WebSocket or plain TCP).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/frame_reader.hpp"
#include "loadgen/frame_writer.hpp"
#include "loadgen/link.hpp"
#include "loadgen/protocol.hpp"
#include "loadgen/run_state.hpp"
#include "loadgen/tls_pipe.hpp"

namespace stratus::loadgen {

/// Opens (connect, handshake, login), then runs a closed loop of `inflight` echo requests:
/// each reply, matched by session, sends the next request. Lives on one io thread.
/// WebSocket framing is done here on the bare socket (frame_reader, frame_writer): one
/// read takes every reply that has arrived, and the requests they release leave in one
/// write, so the client costs about one recv and one send per round trip of a batch. Over
/// plain TCP (--transport tcp) the same loop runs with no upgrade, no frames and no masking.
/// With --tls the socket I/O stays the same and the bytes pass through a tls_pipe.
class connection : public std::enable_shared_from_this<connection> {
 public:
  /// Connection number `index` (account <prefix><index>) on `io`.
  connection(boost::asio::io_context& io, run_state& run, worker_stats& stats, int index,
             std::unique_ptr<bench_protocol> protocol);

  /// Connects, upgrades (WebSocket) and logs in within opts.open_timeout; false (and counted)
  /// on failure.
  boost::asio::awaitable<bool> open();

  /// Starts the request loop (no requests with --connect-only) and returns; it runs until
  /// stop() or until the server closes.
  void start();

  /// Stops sending and closes politely (WebSocket: close frame; TCP: shutdown of the sending
  /// side; at most 2 s for the server to close); on the io thread.
  void stop();

 private:
  using socket_type = client_socket;
  struct slot {
    std::int32_t session = 0;  // session of the request in flight, 0 when free
    std::uint32_t generation = 0;
    bench_clock::time_point sent;
  };

  boost::asio::awaitable<std::string> login();
  boost::asio::awaitable<std::string> tls_handshake();
  boost::asio::awaitable<std::string> upgrade();
  boost::asio::awaitable<boost::system::error_code> write_out();  // out_, sealed under TLS
  boost::asio::awaitable<std::string> read_in();                  // some bytes into reader_
  bool read_tls(boost::system::error_code& ec);  // on_readable's TLS side; false: finished
  void read();
  void on_readable(boost::system::error_code ec);
  void process(bench_clock::time_point now);
  void on_close_frame(std::string_view payload);
  void send_request(std::uint32_t index, bench_clock::time_point now);
  void on_reply(const reply& r, bench_clock::time_point now);
  slot* find_slot(std::int32_t session) noexcept;
  void flush();
  void finish(std::string_view why);
  void arm_deadline(bench_clock::duration timeout);
  /// The frame writer over WebSocket; nullptr over plain TCP.
  frame_writer* ws() noexcept { return websocket_ ? &writer_ : nullptr; }

  run_state& run_;
  worker_stats& stats_;
  int index_;
  std::unique_ptr<bench_protocol> protocol_;
  socket_type socket_;
  boost::asio::steady_timer deadline_;  // bounds open() and the final close
  frame_reader reader_;
  frame_writer writer_;
  std::vector<std::uint8_t> out_;      // frames gathered for the next write
  std::vector<std::uint8_t> sending_;  // frames handed to async_write
  std::string packet_;                 // scratch: one application packet
  std::string close_reason_;           // the server's close frame, when it sent one
  std::vector<slot> slots_;
  std::unique_ptr<tls_pipe> tls_;       // --tls
  std::vector<std::uint8_t> sealed_;  // scratch: out_ as TLS records
  bool websocket_;  // false: plain TCP
  bool writing_ = false;
  bool close_sent_ = false;
  bool done_ = false;
};

}  // namespace stratus::loadgen
