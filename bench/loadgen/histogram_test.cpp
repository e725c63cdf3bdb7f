#include "loadgen/histogram.hpp"

#include <gtest/gtest.h>

namespace stratus::loadgen {
namespace {

TEST(histogram, small_values_are_exact) {
  histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.percentile(0.5), 50u);
  EXPECT_EQ(h.percentile(0.99), 99u);
  EXPECT_EQ(h.percentile(1.0), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(histogram, large_values_within_two_percent) {
  for (std::uint64_t v : {129ull, 1000ull, 12345ull, 987654ull, 3'000'000'000ull}) {
    histogram h;
    h.record(v);
    h.record(v * 4);  // max is above, so the percentile is not capped to v
    const auto p = h.percentile(0.5);
    EXPECT_GE(p, v) << v;
    EXPECT_LE(static_cast<double>(p), static_cast<double>(v) * 1.016 + 1) << v;
  }
}

TEST(histogram, tail_percentiles_find_the_outliers) {
  histogram h;
  for (int i = 0; i < 9990; ++i) h.record(100);
  for (int i = 0; i < 10; ++i) h.record(50'000);
  EXPECT_EQ(h.percentile(0.5), 100u);
  EXPECT_EQ(h.percentile(0.99), 100u);
  EXPECT_GE(h.percentile(0.9995), 50'000u);
  EXPECT_EQ(h.max(), 50'000u);
}

TEST(histogram, merge_adds_counts_and_keeps_max) {
  histogram a, b;
  a.record(10);
  b.record(20);
  b.record(1'000'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.max(), 1'000'000u);
  EXPECT_EQ(a.percentile(0.5), 20u);
}

TEST(histogram, empty_reports_zero) {
  histogram h;
  EXPECT_EQ(h.percentile(0.99), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(histogram, huge_value_does_not_overflow_the_table) {
  histogram h;
  h.record(~0ull);
  EXPECT_EQ(h.max(), ~0ull);
  EXPECT_EQ(h.percentile(1.0), ~0ull);
}

}  // namespace
}  // namespace stratus::loadgen
