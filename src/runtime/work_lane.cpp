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
  for (auto& it : queue_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    it.fn(verdict::expired);
  }
}

bool work_lane::try_post(job j) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= opts_.max_queued) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(item{std::move(j), std::chrono::steady_clock::now()});
  }
  cv_.notify_one();
  return true;
}

void work_lane::run_thread() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    item it = std::move(queue_.front());
    queue_.pop_front();
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
    s.queued = queue_.size();
    s.running = running_;
  }
  s.done = done_.load(std::memory_order_relaxed);
  s.refused = refused_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace stratus::runtime
