#pragma once
// When each say reached the members: per io thread, the first and last receipt time and the
// number of receipts of every say; merged after the threads end into the figures reported.

#include <atomic>
#include <cstdint>
#include <limits>
#include <vector>

namespace stratus::fanout {

/// One io thread's receipts. record() is the hot path (one per member per say): two compares
/// and an increment in arrays indexed by the say number; nothing is allocated.
class say_log {
 public:
  /// Room for says 0 .. max_says - 1.
  explicit say_log(std::size_t max_says);

  /// A member received say `say` at `now_ns` (steady clock, ns); false when out of range.
  bool record(std::uint32_t say, std::int64_t now_ns) noexcept {
    if (say >= count_.size()) return false;
    if (now_ns < first_[say]) first_[say] = now_ns;
    if (now_ns > last_[say]) last_[say] = now_ns;
    ++count_[say];
    receipts_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  /// Receipts so far (any thread may read it).
  std::uint64_t receipts() const noexcept { return receipts_.load(std::memory_order_relaxed); }

  /// Adds `other`'s receipts (after both threads have ended).
  void merge(const say_log& other);

  /// Earliest receipt of `say` (max int64 when none).
  std::int64_t first(std::uint32_t say) const noexcept { return first_[say]; }
  /// Latest receipt of `say` (min int64 when none).
  std::int64_t last(std::uint32_t say) const noexcept { return last_[say]; }
  /// Receipts of `say`.
  std::uint32_t count(std::uint32_t say) const noexcept { return count_[say]; }
  /// Number of says it has room for.
  std::size_t capacity() const noexcept { return count_.size(); }

 private:
  std::vector<std::int64_t> first_;
  std::vector<std::int64_t> last_;
  std::vector<std::uint32_t> count_;
  std::atomic<std::uint64_t> receipts_{0};
};

/// The figures of one run over the says measured (after the warm-up).
struct fanout_figures {
  std::uint32_t says = 0;      ///< says measured
  std::uint64_t receipts = 0;  ///< member receipts of those says
  std::uint64_t expected = 0;  ///< says x members
  double seconds = 0;          ///< first measured say sent -> its last receipt seen
  double delivered_per_s = 0;  ///< receipts / seconds
  double says_per_s = 0;       ///< says / seconds
  std::uint64_t last_p50_us = 0, last_p99_us = 0, last_max_us = 0;     ///< say -> last receipt
  std::uint64_t first_p50_us = 0, first_p99_us = 0, first_max_us = 0;  ///< say -> first receipt
};

/// Figures for says [from, to) given their send times (`sent_ns`, steady clock) and the merged
/// receipts; `members` receipts per say are expected. A say nobody received counts in
/// `expected` only.
fanout_figures summarize(const std::vector<std::int64_t>& sent_ns, const say_log& log,
                         std::uint32_t from, std::uint32_t to, std::uint64_t members);

/// The value at quantile q (0..1) of `values` (sorted in place): nearest rank; 0 when empty.
std::uint64_t quantile(std::vector<std::uint64_t>& values, double q);

}  // namespace stratus::fanout
