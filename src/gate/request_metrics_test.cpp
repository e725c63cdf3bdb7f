#include "gate/request_metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "runtime/clocks.hpp"

namespace stratus::gate {
namespace {

const request_figures::message_row* row_of(const request_figures& f, const std::string& name) {
  auto it = std::find_if(f.messages.begin(), f.messages.end(),
                         [&](const auto& m) { return m.message == name; });
  return it == f.messages.end() ? nullptr : &*it;
}

std::uint64_t count_of(const std::vector<std::pair<std::string, std::uint64_t>>& rows,
                       const std::string& label) {
  for (const auto& [l, n] : rows)
    if (l == label) return n;
  return 0;
}

// The process has one table: names here are unique to this test.
TEST(request_metrics, threads_count_apart_and_a_scrape_sums_them) {
  request_metrics& m = request_metrics::instance();
  const std::uint16_t row = m.add_message(wire_protocol::protobuf, "test.SummedReq");
  EXPECT_EQ(m.add_message(wire_protocol::protobuf, "test.SummedReq"), row);  // same row again
  const request_figures before = m.figures();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) m.count_request(wire_protocol::protobuf, row, runtime::seconds_to_cycles(0.002));
      m.count_error(codec::error_code::bad_request);
      m.count_close(4002);
      m.count_close(3999);  // no label of its own: "other"
    });
  for (auto& t : threads) t.join();
  const request_figures after = m.figures();
  const auto* r = row_of(after, "test.SummedReq");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->protocol, "protobuf");
  EXPECT_EQ(r->requests, 4000u);
  // 2 ms falls in the bucket bounded by 2.5 ms.
  const auto at = std::find(request_metrics::handler_buckets.begin(),
                            request_metrics::handler_buckets.end(), 0.0025) -
                  request_metrics::handler_buckets.begin();
  EXPECT_EQ(r->buckets[static_cast<std::size_t>(at)], 4000u);
  EXPECT_NEAR(r->seconds, 8.0, 0.01);
  EXPECT_EQ(count_of(after.errors, "BAD_REQUEST") - count_of(before.errors, "BAD_REQUEST"), 4u);
  EXPECT_EQ(count_of(after.closes, "4002") - count_of(before.closes, "4002"), 4u);
  EXPECT_EQ(count_of(after.closes, "other") - count_of(before.closes, "other"), 4u);
}

TEST(request_metrics, counts_nothing_while_disabled) {
  request_metrics& m = request_metrics::instance();
  const std::uint16_t row = m.add_message(wire_protocol::sproto, "test_disabled");
  m.enable(false);
  m.count_request(wire_protocol::sproto, row, runtime::seconds_to_cycles(0.001));
  m.enable(true);
  const auto now = m.figures();  // row_of points into it
  const auto* r = row_of(now, "test_disabled");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->requests, 0u);
}

}  // namespace
}  // namespace stratus::gate
