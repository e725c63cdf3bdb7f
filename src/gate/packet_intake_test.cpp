#include "gate/packet_intake.hpp"

#include <gtest/gtest.h>

#include <string>

namespace stratus::gate {
namespace {

using namespace std::chrono_literals;
using action = packet_intake::action;

TEST(connection_budget, admits_a_burst_then_refuses_then_refills) {
  budget_options o;
  o.requests_per_s = 10;
  o.request_burst = 20;
  const auto t0 = connection_budget::clock::now();
  connection_budget b(o, t0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(b.charge(10, t0), connection_budget::verdict::admit);
  EXPECT_EQ(b.charge(10, t0), connection_budget::verdict::refuse);
  EXPECT_EQ(b.charge(10, t0 + 150ms), connection_budget::verdict::admit);  // 1.5 tokens back
}

TEST(connection_budget, bytes_count_even_when_refused_and_a_flood_is_closed) {
  budget_options o;
  o.bytes_per_s = 1000;
  o.byte_burst = 2000;
  o.strikes = 5;
  const auto t0 = connection_budget::clock::now();
  connection_budget b(o, t0);
  EXPECT_EQ(b.charge(1500, t0), connection_budget::verdict::admit);
  EXPECT_EQ(b.charge(1500, t0), connection_budget::verdict::refuse);  // 500 - 1500 < 0
  // In debt: a second later it still has not earned its way back.
  EXPECT_EQ(b.charge(10, t0 + 1s), connection_budget::verdict::refuse);
  EXPECT_EQ(b.charge(10, t0 + 1s), connection_budget::verdict::refuse);
  EXPECT_EQ(b.charge(10, t0 + 1s), connection_budget::verdict::refuse);
  EXPECT_EQ(b.charge(10, t0 + 1s), connection_budget::verdict::close);  // 5th in a row
}

TEST(packet_intake, queues_while_busy_bounded_in_count_and_bytes) {
  intake_limits l;
  l.max_pending = 3;
  l.max_pending_bytes = 100;
  packet_intake in(l);
  EXPECT_EQ(in.offer("a", false), action::handle_now);
  EXPECT_EQ(in.offer(std::string(60, 'b'), true), action::queued);
  EXPECT_EQ(in.offer(std::string(50, 'c'), true), action::queue_full);  // 110 bytes > 100
  EXPECT_EQ(in.offer("d", true), action::queued);
  EXPECT_EQ(in.offer("e", true), action::queued);
  EXPECT_EQ(in.offer("f", true), action::queue_full);  // 3 waiting already
  std::string p;
  in.next(p);
  EXPECT_EQ(p, std::string(60, 'b'));
  in.next(p);
  EXPECT_EQ(p, "d");
  // Not busy, but packets still wait: the new one queues behind them, order kept.
  EXPECT_EQ(in.offer("g", false), action::queued);
  in.next(p);
  EXPECT_EQ(p, "e");
  in.next(p);
  EXPECT_EQ(p, "g");
  EXPECT_FALSE(in.has_waiting());
}

TEST(packet_intake, over_budget_is_rate_limited_before_it_is_queued) {
  intake_limits l;
  l.budget.requests_per_s = 1;
  l.budget.request_burst = 1;
  l.budget.strikes = 2;
  packet_intake in(l);
  EXPECT_EQ(in.offer("a", false), action::handle_now);
  EXPECT_EQ(in.offer("b", true), action::rate_limited);
  EXPECT_EQ(in.offer("c", true), action::over_budget);
  EXPECT_FALSE(in.has_waiting());
}

TEST(packet_queue, keeps_order_and_bytes_across_interleaved_pushes_and_pops) {
  packet_queue q;
  std::string out;
  std::size_t pushed = 0, popped = 0, bytes = 0;
  auto packet = [](std::size_t i) { return std::string(1 + (i * 37) % 700, static_cast<char>('a' + i % 26)); };
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 1 + round % 7; ++k) {
      const std::string p = packet(pushed++);
      bytes += p.size();
      q.push(p);
    }
    EXPECT_EQ(q.bytes(), bytes);
    for (int k = 0; k < 1 + round % 5 && !q.empty(); ++k) {
      q.pop(out);
      EXPECT_EQ(out, packet(popped++));
      bytes -= out.size();
    }
  }
  while (!q.empty()) {
    q.pop(out);
    EXPECT_EQ(out, packet(popped++));
  }
  EXPECT_EQ(popped, pushed);
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace stratus::gate
