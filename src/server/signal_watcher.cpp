#include "server/signal_watcher.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstring>

#include "runtime/log.hpp"

namespace stratus::server {
namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

void block_signals() {
  sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a closed socket is an error code, not a process kill
}

signal_watcher::signal_watcher(std::function<void()> on_stop, std::function<void()> on_report,
                               std::function<void()> on_reload)
    : on_stop_(std::move(on_stop)),
      on_report_(std::move(on_report)),
      on_reload_(std::move(on_reload)),
      thread_([this] { loop(); }) {}

signal_watcher::~signal_watcher() {
  closing_.store(true);
  pthread_kill(thread_.native_handle(), SIGHUP);  // wakes sigwait; closing_ makes it return
  thread_.join();
}

void signal_watcher::loop() {
  sigset_t set = watched_signals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (closing_.load()) return;
    if (sig == SIGHUP) {
      runtime::log::info("SIGHUP: reopening the log file");
      runtime::log::reopen();
      runtime::log::info("log file reopened");
      if (on_reload_) on_reload_();
      continue;
    }
    if (sig == SIGUSR1) {
      if (on_report_) on_report_();
      continue;
    }
    int expected = 0;
    if (stop_signal_.compare_exchange_strong(expected, sig)) {
      runtime::log::info("{}: stopping gracefully", sig == SIGINT ? "SIGINT" : "SIGTERM");
      on_stop_();
    } else {
      runtime::log::warn("{} again: already stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
  }
}

}  // namespace stratus::server
