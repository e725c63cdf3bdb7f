#include "runtime/work_lane.hpp"

namespace stratus::runtime {

work_lane::work_lane(work_lane_options opts) : opts_(std::move(opts)) {
  const std::size_t n = opts_.threads == 0 ? 1 : opts_.threads;
  threads_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { run_thread(); });
}

work_lane::~work_lane() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  // Whatever is left never runs; its owners hear so.
  while (queued_ > 0) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    take_next().fn(verdict::expired);
  }
}

// Keys given to jobs posted without one: the top bit set, so they never meet a caller's hash
// in practice, and each is used once.
constexpr std::uint64_t own_share_bit = std::uint64_t{1} << 63;

bool work_lane::try_post(job j, std::uint64_t share) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queued_ >= opts_.max_queued) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (share == 0) share = own_share_bit | next_own_share_++;
    auto& q = by_share_[share];
    if (q.empty()) turns_.push_back(share);
    q.push_back(item{std::move(j), std::chrono::steady_clock::now()});
    ++queued_;
  }
  cv_.notify_one();
  return true;
}

work_lane::item work_lane::take_next() {
  const std::uint64_t share = turns_.front();
  turns_.pop_front();
  auto at = by_share_.find(share);
  item it = std::move(at->second.front());
  at->second.pop_front();
  if (at->second.empty())
    by_share_.erase(at);
  else
    turns_.push_back(share);  // its next job waits for every other share's turn
  --queued_;
  return it;
}

void work_lane::run_thread() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || queued_ > 0; });
    if (stopping_) return;
    item it = take_next();
    ++running_;
    lock.unlock();
    const bool expired = opts_.max_wait.count() > 0 &&
                         std::chrono::steady_clock::now() - it.queued_at > opts_.max_wait;
    if (expired) dropped_.fetch_add(1, std::memory_order_relaxed);
    it.fn(expired ? verdict::expired : verdict::run);
    if (!expired) done_.fetch_add(1, std::memory_order_relaxed);
    it.fn = nullptr;  // release what the job captured before taking the lock
    lock.lock();
    --running_;
  }
}

work_lane_stats work_lane::stats() const {
  work_lane_stats s;
  s.name = opts_.name;
  s.threads = threads_.size();
  s.max_queued = opts_.max_queued;
  {
    std::lock_guard lock(mu_);
    s.queued = queued_;
    s.running = running_;
  }
  s.done = done_.load(std::memory_order_relaxed);
  s.refused = refused_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace stratus::runtime
