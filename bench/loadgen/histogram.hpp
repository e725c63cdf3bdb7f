#pragma once
// A log-linear latency histogram in the spirit of HdrHistogram (values in microseconds).

#include <cstdint>
#include <vector>

namespace stratus::loadgen {

/// Counts values with at most ~1.6% relative error: values below 128 have their own
/// bucket; above, each power of two is split into 64 equal buckets. Recording is O(1) and
/// allocation-free; one histogram per thread, merged at the end.
class histogram {
 public:
  histogram();

  /// Counts one value.
  void record(std::uint64_t value) noexcept;
  /// Adds every count of `other`.
  void merge(const histogram& other);

  /// Number of values recorded.
  std::uint64_t count() const noexcept { return count_; }
  /// Largest value recorded (exact); 0 when empty.
  std::uint64_t max() const noexcept { return max_; }
  /// Mean of the values recorded (exact); 0 when empty.
  double mean() const noexcept;
  /// The value at quantile q (0..1): the upper bound of the bucket holding it, capped at max().
  std::uint64_t percentile(double q) const noexcept;

 private:
  static constexpr int linear_bits = 7;  // values < 128 are exact
  static constexpr int sub_bits = 6;     // 64 buckets per power of two above
  static std::uint32_t index_of(std::uint64_t value) noexcept;
  static std::uint64_t upper_bound_of(std::uint32_t index) noexcept;

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace stratus::loadgen
