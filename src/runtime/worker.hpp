#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>

#include "runtime/cell.hpp"
#include "runtime/timer_wheel.hpp"

namespace stratus::runtime {

/// An io_context whose pending handlers can be destroyed before the context itself.
class worker_context : public boost::asio::io_context {
 public:
  using boost::asio::io_context::io_context;
  /// Destroys every pending handler (execution_context::shutdown, which the destructor would
  /// run anyway); later calls do nothing.
  using boost::asio::execution_context::shutdown;
};

/// One thread running one io_context. Services pinned here run only on this thread, so a
/// service's socket and its handlers share a thread and never hop.
class worker {
 public:
  explicit worker(int index);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  int index() const noexcept { return index_; }
  boost::asio::io_context& io_context() noexcept { return ioc_; }

  /// Runs the cell's mailbox soon on this worker's thread (from any thread).
  void schedule(cell* c);
  /// Arms a timer on this worker's wheel; call on this worker's thread only.
  void arm(timer_node& node, std::chrono::milliseconds delay);

  void start();
  /// Lets the thread finish once no work is left, or at once with `now`.
  void stop(bool now);
  void join();
  /// Destroys the handlers still queued on this worker's io_context; the node calls it on every
  /// worker before destroying any, because a pending operation may hold an object (an accepted
  /// socket) that belongs to another worker's io_context.
  void drop_pending_handlers() { ioc_.shutdown(); }
  /// True on this worker's own thread.
  bool on_this_thread() const noexcept { return current() == this; }
  /// The worker the calling thread runs, or nullptr.
  static worker* current() noexcept;

  // Read by the monitor thread: which service runs now, and a counter that moves per message.
  std::atomic<address> running{no_address};
  std::atomic<std::uint64_t> version{0};
  std::atomic<std::uint64_t> request{0};  // the client request of the message running now

 private:
  void on_tick();

  int index_;
  worker_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  timer_wheel wheel_;
  boost::asio::steady_timer ticker_;
  bool ticking_ = false;
  std::thread thread_;
};

}  // namespace stratus::runtime
