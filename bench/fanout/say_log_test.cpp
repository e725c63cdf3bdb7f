#include "fanout/say_log.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "fanout/fanout_options.hpp"

namespace stratus::fanout {
namespace {

TEST(say_log, first_and_last_receipts_merge_across_threads) {
  say_log a(4), b(4);
  a.record(1, 1500);
  a.record(1, 1200);
  b.record(1, 1900);
  b.record(1, 1100);
  EXPECT_FALSE(a.record(4, 1));  // out of range
  a.merge(b);
  EXPECT_EQ(a.first(1), 1100);
  EXPECT_EQ(a.last(1), 1900);
  EXPECT_EQ(a.count(1), 4u);
  EXPECT_EQ(a.receipts(), 4u);
}

TEST(say_log, figures_over_the_measured_says) {
  // Says 0..3 sent 1 ms apart; 2 members; say 0 is warm-up, say 3 lost one receipt.
  const std::vector<std::int64_t> sent{0, 1'000'000, 2'000'000, 3'000'000};
  say_log log(4);
  log.record(0, 100'000);
  log.record(0, 200'000);
  log.record(1, 1'100'000);
  log.record(1, 1'500'000);
  log.record(2, 2'200'000);
  log.record(2, 2'300'000);
  log.record(3, 3'050'000);
  const fanout_figures f = summarize(sent, log, 1, 4, 2);
  EXPECT_EQ(f.says, 3u);
  EXPECT_EQ(f.expected, 6u);
  EXPECT_EQ(f.receipts, 5u);
  EXPECT_DOUBLE_EQ(f.seconds, 2'050'000 / 1e9);  // say 1 sent -> last receipt (say 3)
  EXPECT_EQ(f.first_p50_us, 100u);               // 100, 200, 50 us
  EXPECT_EQ(f.first_max_us, 200u);
  EXPECT_EQ(f.last_p50_us, 300u);  // 500, 300, 50 us
  EXPECT_EQ(f.last_p99_us, 500u);
}

TEST(say_log, quantile_is_nearest_rank) {
  std::vector<std::uint64_t> v{5, 1, 4, 2, 3};
  EXPECT_EQ(quantile(v, 0.5), 3u);
  EXPECT_EQ(quantile(v, 0.99), 5u);
  EXPECT_EQ(quantile(v, 0), 1u);
  std::vector<std::uint64_t> none;
  EXPECT_EQ(quantile(none, 0.5), 0u);
}

std::variant<fanout_options, std::string> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "stratus-fanout");
  return parse_fanout_options(static_cast<int>(args.size()), args.data());
}

TEST(fanout_options, transport_comes_from_the_url) {
  auto tcp = parse({"--members", "50", "--rate", "20"});
  ASSERT_TRUE(std::holds_alternative<fanout_options>(tcp)) << std::get<std::string>(tcp);
  EXPECT_EQ(std::get<fanout_options>(tcp).transport, "tcp");
  EXPECT_EQ(std::get<fanout_options>(tcp).members, 50);
  auto ws = parse({"--url", "ws://127.0.0.1:9/"});
  ASSERT_TRUE(std::holds_alternative<fanout_options>(ws));
  EXPECT_EQ(std::get<fanout_options>(ws).transport, "ws");
  for (auto bad : std::vector<std::vector<const char*>>{{"--members", "0"},
                                                        {"--text-bytes", "9"},
                                                        {"--url", "http://x/"},
                                                        {"--url", "tcp://h:1", "--transport", "ws"},
                                                        {"--bogus"}}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(parse(bad))) << bad[0];
  }
}

}  // namespace
}  // namespace stratus::fanout
