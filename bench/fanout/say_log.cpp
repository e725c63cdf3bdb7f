#include "fanout/say_log.hpp"

#include <algorithm>
#include <cmath>

namespace stratus::fanout {

say_log::say_log(std::size_t max_says)
    : first_(max_says, std::numeric_limits<std::int64_t>::max()),
      last_(max_says, std::numeric_limits<std::int64_t>::min()),
      count_(max_says, 0) {}

void say_log::merge(const say_log& other) {
  const std::size_t n = std::min(capacity(), other.capacity());
  for (std::size_t i = 0; i < n; ++i) {
    first_[i] = std::min(first_[i], other.first_[i]);
    last_[i] = std::max(last_[i], other.last_[i]);
    count_[i] += other.count_[i];
  }
  receipts_.fetch_add(other.receipts(), std::memory_order_relaxed);
}

std::uint64_t quantile(std::vector<std::uint64_t>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

fanout_figures summarize(const std::vector<std::int64_t>& sent_ns, const say_log& log,
                         std::uint32_t from, std::uint32_t to, std::uint64_t members) {
  fanout_figures f;
  std::vector<std::uint64_t> to_first, to_last;
  std::int64_t end = std::numeric_limits<std::int64_t>::min();
  to = std::min<std::uint32_t>(to, static_cast<std::uint32_t>(log.capacity()));
  for (std::uint32_t say = from; say < to; ++say) {
    ++f.says;
    f.expected += members;
    f.receipts += log.count(say);
    if (log.count(say) == 0) continue;
    to_first.push_back(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, log.first(say) - sent_ns[say])) /
        1000);
    to_last.push_back(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, log.last(say) - sent_ns[say])) / 1000);
    end = std::max(end, log.last(say));
  }
  if (f.says == 0 || to_last.empty()) return f;
  f.seconds = static_cast<double>(end - sent_ns[from]) / 1e9;
  if (f.seconds > 0) {
    f.delivered_per_s = static_cast<double>(f.receipts) / f.seconds;
    f.says_per_s = f.says / f.seconds;
  }
  f.first_max_us = *std::max_element(to_first.begin(), to_first.end());
  f.last_max_us = *std::max_element(to_last.begin(), to_last.end());
  f.first_p50_us = quantile(to_first, 0.5);
  f.first_p99_us = quantile(to_first, 0.99);
  f.last_p50_us = quantile(to_last, 0.5);
  f.last_p99_us = quantile(to_last, 0.99);
  return f;
}

}  // namespace stratus::fanout
