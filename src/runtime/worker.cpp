#include "runtime/worker.hpp"

#include <boost/asio/post.hpp>

namespace stratus::runtime {

namespace {
thread_local worker* this_worker = nullptr;
}

worker::worker(int index) : index_(index), ioc_(1), guard_(ioc_.get_executor()), ticker_(ioc_) {}

worker* worker::current() noexcept {
  return this_worker;
}

void worker::schedule(cell* c) {
  // The handler owns a reference, so a never-run handler (node destroyed unstarted) frees it.
  boost::asio::post(ioc_, [ref = cell_ref::share(c)] { ref->run(); });
}

void worker::arm(timer_node& node, std::chrono::milliseconds delay) {
  wheel_.add(node, delay);
  if (!ticking_) {
    ticking_ = true;
    ticker_.expires_at(wheel_.next_tick(timer_wheel::clock::now()));
    ticker_.async_wait([this](boost::system::error_code ec) {
      if (!ec) on_tick();
    });
  }
}

void worker::on_tick() {
  ticking_ = false;
  wheel_.advance(timer_wheel::clock::now());
  if (wheel_.empty()) return;
  ticking_ = true;
  ticker_.expires_at(wheel_.next_tick(timer_wheel::clock::now()));
  ticker_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_tick();
  });
}

void worker::start() {
  thread_ = std::thread([this] {
    this_worker = this;
    ioc_.run();
    this_worker = nullptr;
  });
}

void worker::stop(bool now) {
  guard_.reset();
  if (now) ioc_.stop();
}

void worker::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace stratus::runtime
