#pragma once
// A mutex whose lock can give up after a while, made of a std::mutex and a condition variable:
// ThreadSanitizer follows those, where GCC 12's does not see std::timed_mutex locks (and then
// reports races that are not there).

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace stratus::backend {

class waitable_mutex {
 public:
  void lock() {
    std::unique_lock guard(m_);
    free_.wait(guard, [this] { return !held_; });
    held_ = true;
  }
  bool try_lock() {
    std::lock_guard guard(m_);
    if (held_) return false;
    held_ = true;
    return true;
  }
  /// Waits at most `d` for the lock; false when it stayed taken.
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& d) {
    return try_lock_until(std::chrono::steady_clock::now() + d);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& t) {
    std::unique_lock guard(m_);
    if (!free_.wait_until(guard, t, [this] { return !held_; })) return false;
    held_ = true;
    return true;
  }
  void unlock() {
    {
      std::lock_guard guard(m_);
      held_ = false;
    }
    free_.notify_one();
  }

 private:
  std::mutex m_;
  std::condition_variable free_;
  bool held_ = false;
};

}  // namespace stratus::backend
