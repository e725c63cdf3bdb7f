#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace stratus::loadgen {
namespace {
constexpr std::uint32_t linear_count = 1u << 7;
constexpr std::uint32_t sub_count = 1u << 6;
// Octaves above the linear range: values up to 2^64 need 64 - 7 + 1 of them.
constexpr std::uint32_t bucket_count = linear_count + (64 - 7 + 1) * sub_count;
}  // namespace

histogram::histogram() : counts_(bucket_count, 0) {}

std::uint32_t histogram::index_of(std::uint64_t value) noexcept {
  if (value < linear_count) return static_cast<std::uint32_t>(value);
  // shift keeps the top 7 bits: (value >> shift) lies in [64, 128).
  const int shift = std::bit_width(value) - linear_bits;
  const auto sub = static_cast<std::uint32_t>(value >> shift) - sub_count;
  return linear_count + static_cast<std::uint32_t>(shift - 1) * sub_count + sub;
}

std::uint64_t histogram::upper_bound_of(std::uint32_t index) noexcept {
  if (index < linear_count) return index;
  const std::uint32_t shift = (index - linear_count) / sub_count + 1;
  const std::uint64_t sub = (index - linear_count) % sub_count + sub_count;
  return ((sub + 1) << shift) - 1;
}

void histogram::record(std::uint64_t value) noexcept {
  ++counts_[index_of(value)];
  ++count_;
  max_ = std::max(max_, value);
  sum_ += static_cast<long double>(value);
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double histogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t histogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the value at q, 1-based: the smallest rank covering q of all values.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::uint32_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(upper_bound_of(i), max_);
  }
  return max_;
}

}  // namespace stratus::loadgen
