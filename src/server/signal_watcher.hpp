#pragma once
// Signals are handled by one ordinary thread that sigwait()s, so the reactions (stopping the
// node, reopening the log) may take locks and allocate: nothing runs in a signal handler.

#include <atomic>
#include <functional>
#include <thread>

namespace stratus::server {

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGUSR1 in the calling thread and every thread it starts later,
/// and ignores SIGPIPE. Call it before any other thread exists.
void block_signals();

/// The thread that waits for signals: SIGINT/SIGTERM call `on_stop` (once), SIGHUP reopens the
/// log file and calls `on_reload` (TLS certificates), SIGUSR1 calls `on_report` (skynet's debug
/// console `stat`, as a log report).
/// Destroying it wakes and joins the thread.
class signal_watcher {
 public:
  /// Starts the thread; block_signals() must have run first.
  explicit signal_watcher(std::function<void()> on_stop, std::function<void()> on_report = {},
                          std::function<void()> on_reload = {});
  /// Wakes the thread and joins it.
  ~signal_watcher();
  signal_watcher(const signal_watcher&) = delete;
  signal_watcher& operator=(const signal_watcher&) = delete;

  /// The stop signal received (SIGINT or SIGTERM), or 0.
  int stop_signal() const noexcept { return stop_signal_.load(); }

 private:
  void loop();

  std::function<void()> on_stop_;
  std::function<void()> on_report_;
  std::function<void()> on_reload_;
  std::atomic<bool> closing_{false};
  std::atomic<int> stop_signal_{0};
  std::thread thread_;
};

}  // namespace stratus::server
