#pragma once
// One client io thread: its io_context, its share of the connections, its counters.

#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "loadgen/connection.hpp"
#include "loadgen/run_state.hpp"

namespace stratus::loadgen {

/// Opens its connections (at most `max_handshakes` at once) and runs them on one thread;
/// connections never move between threads, so nothing inside needs a lock.
class worker {
 public:
  /// A worker for connections `indices`, opening at most `max_handshakes` at a time.
  worker(run_state& run, std::vector<int> indices, int max_handshakes);
  ~worker();

  /// Starts the thread: opens the connections, then runs them until stop().
  void start();
  /// Asks every connection to stop and close; returns at once.
  void stop();
  /// Waits for the thread; forces the io_context down after `grace` if it is still busy.
  void join(std::chrono::milliseconds grace);

  /// The counters of this worker (atomics live; histograms valid after join()).
  worker_stats& stats() noexcept { return stats_; }

 private:
  boost::asio::awaitable<void> launcher();

  run_state& run_;
  std::vector<int> indices_;
  std::size_t next_ = 0;
  int max_handshakes_;
  boost::asio::io_context io_{1};
  worker_stats stats_;
  std::vector<std::shared_ptr<connection>> connections_;
  std::thread thread_;
};

}  // namespace stratus::loadgen
