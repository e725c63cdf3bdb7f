#pragma once
// One client io thread of stratus-fanout: its io_context, its members, its receipts.

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "fanout/member.hpp"
#include "fanout/run_state.hpp"
#include "fanout/say_log.hpp"

namespace stratus::fanout {

/// Opens its members (at most `max_handshakes` at once) and runs them on one thread; members
/// never move between threads, so nothing inside needs a lock.
class fanout_worker {
 public:
  /// A worker for members `indices`.
  fanout_worker(run_state& run, std::vector<int> indices, int max_handshakes);
  ~fanout_worker();

  /// Starts the thread: opens the members, then runs them until stop().
  void start();
  /// Makes member 0 of this worker the speaker (it must be open); returns at once.
  void speak();
  /// Asks every member to close; returns at once.
  void stop();
  /// Waits for the thread; stops the io_context after `grace` if it is still busy.
  void join(std::chrono::milliseconds grace);

  worker_stats& stats() noexcept { return stats_; }
  say_log& log() noexcept { return log_; }

 private:
  boost::asio::awaitable<void> launcher();

  run_state& run_;
  std::vector<int> indices_;
  std::size_t next_ = 0;
  int max_handshakes_;
  boost::asio::io_context io_{1};
  worker_stats stats_;
  say_log log_;
  std::vector<std::shared_ptr<member>> members_;
  std::shared_ptr<member> speaker_;
  std::thread thread_;
};

}  // namespace stratus::fanout
