#include "runtime/call_metrics.hpp"

namespace stratus::runtime {

call_metrics& call_metrics::instance() {
  static call_metrics metrics;
  return metrics;
}

void call_metrics::count(std::size_t outcome) noexcept {
  if (!enabled_.load(std::memory_order_relaxed)) return;
  // Worker threads live as long as the process: each gets its block once and keeps it.
  thread_local block* mine = nullptr;
  if (mine == nullptr) {
    auto made = std::make_unique<block>();
    mine = made.get();
    std::lock_guard lock(mutex_);
    blocks_.push_back(std::move(made));
  }
  // One writer per counter: a relaxed load and store, no read-modify-write.
  std::atomic<std::uint64_t>& c = (*mine)[outcome];
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

std::vector<std::pair<std::string, std::uint64_t>> call_metrics::figures() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < outcomes; ++i) {
    std::uint64_t n = 0;
    for (const auto& b : blocks_) n += (*b)[i].load(std::memory_order_relaxed);
    out.emplace_back(i == 0 ? "ok" : to_string(static_cast<call_errc>(i - 1)), n);
  }
  return out;
}

}  // namespace stratus::runtime
