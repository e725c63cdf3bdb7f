#include "loadgen/worker.hpp"

#include <algorithm>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

namespace stratus::loadgen {
namespace asio = boost::asio;

worker::worker(run_state& run, std::vector<int> indices, int max_handshakes)
    : run_(run), indices_(std::move(indices)), max_handshakes_(std::max(1, max_handshakes)) {
  connections_.reserve(indices_.size());
}

worker::~worker() {
  if (thread_.joinable()) {
    io_.stop();
    thread_.join();
  }
}

void worker::start() {
  const auto launchers = std::min<std::size_t>(indices_.size(), max_handshakes_);
  for (std::size_t i = 0; i < launchers; ++i) {
    asio::co_spawn(io_, launcher(), asio::detached);
  }
  thread_ = std::thread([this] { io_.run(); });
}

asio::awaitable<void> worker::launcher() {
  // Each launcher opens one connection at a time, so at most max_handshakes_ are opening.
  while (next_ < indices_.size() && !run_.stopping.load(std::memory_order_relaxed)) {
    const int index = indices_[next_++];
    auto protocol = make_protocol(run_.opts);
    if (!std::holds_alternative<std::unique_ptr<bench_protocol>>(protocol)) co_return;
    auto conn = std::make_shared<connection>(
        io_, run_, stats_, index, std::move(std::get<std::unique_ptr<bench_protocol>>(protocol)));
    if (!co_await conn->open()) continue;
    connections_.push_back(conn);
    conn->start();
    if (run_.stopping.load(std::memory_order_relaxed)) conn->stop();
  }
}

void worker::stop() {
  asio::post(io_, [this] {
    for (auto& conn : connections_) conn->stop();
  });
}

void worker::join(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  // Give polite closes `grace` to finish, then stop the loop wherever it is.
  auto done = std::async(std::launch::async, [this] { thread_.join(); });
  if (done.wait_for(grace) != std::future_status::ready) {
    io_.stop();
    done.wait();
  }
}

}  // namespace stratus::loadgen
