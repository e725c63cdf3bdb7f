#include "fanout/fanout_worker.hpp"

#include <algorithm>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

namespace stratus::fanout {
namespace asio = boost::asio;

fanout_worker::fanout_worker(run_state& run, std::vector<int> indices, int max_handshakes)
    : run_(run),
      indices_(std::move(indices)),
      max_handshakes_(std::max(1, max_handshakes)),
      log_(run.opts.max_says) {
  members_.reserve(indices_.size());
}

fanout_worker::~fanout_worker() {
  if (thread_.joinable()) {
    io_.stop();
    thread_.join();
  }
}

void fanout_worker::start() {
  const auto launchers = std::min<std::size_t>(indices_.size(), max_handshakes_);
  for (std::size_t i = 0; i < launchers; ++i) asio::co_spawn(io_, launcher(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

asio::awaitable<void> fanout_worker::launcher() {
  while (next_ < indices_.size() && !run_.stopping.load(std::memory_order_relaxed)) {
    const int index = indices_[next_++];
    auto m = std::make_shared<member>(io_, run_, stats_, log_, index);
    if (!co_await m->open()) continue;
    if (index == 0) speaker_ = m;
    members_.push_back(m);
    m->start();
    if (run_.stopping.load(std::memory_order_relaxed)) m->stop();
  }
}

void fanout_worker::speak() {
  asio::post(io_, [this] {
    if (speaker_) {
      speaker_->speak();
    } else {
      run_.speaker_done.store(true, std::memory_order_release);  // the speaker did not open
    }
  });
}

void fanout_worker::stop() {
  asio::post(io_, [this] {
    for (auto& m : members_) m->stop();
  });
}

void fanout_worker::join(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  auto done = std::async(std::launch::async, [this] { thread_.join(); });
  if (done.wait_for(grace) != std::future_status::ready) {
    io_.stop();
    done.wait();
  }
}

}  // namespace stratus::fanout
