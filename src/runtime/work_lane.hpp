#pragma once
// A bounded pool of threads for one kind of blocking work (password hashing, SQL, Redis).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace stratus::runtime {

/// Settings of one work lane.
struct work_lane_options {
  std::string name;            ///< for logs and stats ("password", "db", "cache", "blocking")
  std::size_t threads = 2;     ///< jobs running at once (bounds their memory too)
  std::size_t max_queued = 256;  ///< jobs waiting beyond the running ones; more are refused
  /// A job that waited longer than this is dropped before it starts (its caller has given up:
  /// set it to the callers' timeout). Zero: no limit.
  std::chrono::milliseconds max_wait{0};
};

/// Counters of a lane; a snapshot.
struct work_lane_stats {
  std::string name;
  std::size_t threads = 0;
  std::size_t max_queued = 0;
  std::size_t queued = 0;     ///< waiting now
  std::size_t running = 0;    ///< running now
  std::uint64_t done = 0;     ///< jobs that ran
  std::uint64_t refused = 0;  ///< try_post found the queue full
  std::uint64_t dropped = 0;  ///< waited too long or were no longer wanted; never ran
};

/// Threads that run jobs of one kind, with a bounded queue. Separate lanes keep one kind of
/// work (a flood of password hashes) from delaying another (SQL). Within a lane, jobs posted
/// with the same share key take turns with the other keys rather than queueing in front of
/// them: 30 guesses at one account wait behind each other, and the next player's login runs
/// after at most one of them. Jobs without a key are first in first out among themselves.
class work_lane {
 public:
  /// What a job is told when it is taken from the queue.
  enum class verdict { run, expired };
  /// A job; called exactly once, on a lane thread, with `run` or (when it waited past
  /// max_wait, or at shutdown) `expired`, in which case it must not do its work.
  using job = std::function<void(verdict)>;

  explicit work_lane(work_lane_options opts);
  /// Stops the threads; jobs still queued are called with `expired`.
  ~work_lane();
  work_lane(const work_lane&) = delete;
  work_lane& operator=(const work_lane&) = delete;

  /// Queues `j`; false (and `j` is not kept) when max_queued jobs already wait. `share`: jobs
  /// with the same nonzero key share one turn in the round (e.g. a hash of the account name);
  /// 0: a turn of its own.
  bool try_post(job j, std::uint64_t share = 0);
  /// Counts a job that found it was no longer wanted (its caller left) and did nothing.
  void note_dropped() noexcept { dropped_.fetch_add(1, std::memory_order_relaxed); }
  /// A snapshot of the counters.
  work_lane_stats stats() const;
  /// The settings.
  const work_lane_options& options() const noexcept { return opts_; }

 private:
  struct item {
    job fn;
    std::chrono::steady_clock::time_point queued_at;
  };
  void run_thread();
  item take_next();  // with mu_ held and a job queued

  const work_lane_options opts_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::uint64_t, std::deque<item>> by_share_;
  std::deque<std::uint64_t> turns_;  // shares with jobs queued, in the order they run next
  std::size_t queued_ = 0;
  std::uint64_t next_own_share_ = 0;  // keys for jobs posted without one
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::vector<std::thread> threads_;
};

}  // namespace stratus::runtime
