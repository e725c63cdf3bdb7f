#include "runtime/work_lane.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/node.hpp"
#include "runtime/offload.hpp"

namespace stratus::runtime {
namespace {

using namespace std::chrono_literals;

TEST(work_lane, runs_jobs_and_refuses_past_its_queue) {
  work_lane lane({"test", 1, 2, 0ms});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  auto blocker = [&, gate](work_lane::verdict) {
    gate.wait();
    ++ran;
  };
  ASSERT_TRUE(lane.try_post(blocker));  // runs, holds the only thread
  while (lane.stats().running == 0) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(lane.try_post(blocker));   // waits
  ASSERT_TRUE(lane.try_post(blocker));   // waits
  EXPECT_FALSE(lane.try_post(blocker));  // the queue holds 2: refused at once
  EXPECT_EQ(lane.stats().refused, 1u);
  release.set_value();
  while (lane.stats().done < 3) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ran.load(), 3);
}

TEST(work_lane, jobs_that_waited_too_long_are_dropped_unrun) {
  work_lane lane({"test", 1, 10, 20ms});
  std::atomic<int> ran{0}, expired{0};
  ASSERT_TRUE(lane.try_post([](work_lane::verdict) { std::this_thread::sleep_for(60ms); }));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(lane.try_post([&](work_lane::verdict v) {
      (v == work_lane::verdict::run ? ran : expired)++;
    }));
  }
  while (ran + expired < 3) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(expired.load(), 3);
  EXPECT_EQ(lane.stats().dropped, 3u);
}

TEST(work_lane, queued_jobs_hear_expired_at_shutdown) {
  std::atomic<int> expired{0};
  {
    work_lane lane({"test", 1, 10, 0ms});
    ASSERT_TRUE(lane.try_post([](work_lane::verdict) { std::this_thread::sleep_for(30ms); }));
    std::this_thread::sleep_for(5ms);
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(lane.try_post([&](work_lane::verdict v) {
        if (v == work_lane::verdict::expired) ++expired;
      }));
    }
  }
  EXPECT_EQ(expired.load(), 4);
}

TEST(work_lane, jobs_of_one_share_take_turns_with_the_others) {
  // Six guesses at account 7 are queued before one login of account 9 and two jobs without a
  // key: the login runs second, not seventh, and unkeyed jobs keep their order.
  work_lane lane({"test", 1, 16, 0ms});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  ASSERT_TRUE(lane.try_post([gate](work_lane::verdict) { gate.wait(); }));
  while (lane.stats().running == 0) std::this_thread::sleep_for(1ms);
  std::mutex mu;
  std::vector<std::string> order;
  auto note = [&](std::string what) {
    return [&, what](work_lane::verdict) {
      std::lock_guard lock(mu);
      order.push_back(what);
    };
  };
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(lane.try_post(note("guess" + std::to_string(i)), 7));
  ASSERT_TRUE(lane.try_post(note("login"), 9));
  ASSERT_TRUE(lane.try_post(note("a")));
  ASSERT_TRUE(lane.try_post(note("b")));
  EXPECT_EQ(lane.stats().queued, 9u);
  release.set_value();
  while (lane.stats().done < 10) std::this_thread::sleep_for(1ms);
  const std::vector<std::string> want{"guess0", "login", "a", "b", "guess1",
                                      "guess2", "guess3", "guess4", "guess5"};
  EXPECT_EQ(order, want);
}

TEST(offload_to, a_full_lane_answers_overloaded_at_once) {
  node n({.threads = 1});
  n.start();
  const work_lane_options narrow{"narrow", 1, 1, 0ms};
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  auto done = n.exec([&](service& s) -> task<void> {
    // One job runs, one waits; the third is refused without blocking this coroutine.
    s.fork([](service& s, work_lane_options o, std::shared_future<void> g) -> task<void> {
      // The job is named: GCC 12 destroys non-trivial temporaries of a co_await operand twice.
      auto job = [g] {
        g.wait();
        return 1;
      };
      auto r = co_await offload_to(s, lane_of(s, o), std::move(job));
      EXPECT_TRUE(r.ok());
    }(s, narrow, gate));
    while (lane_of(s, narrow).stats().running == 0) std::this_thread::sleep_for(1ms);
    s.fork([](service& s, work_lane_options o) -> task<void> {
      auto r = co_await offload_to(s, lane_of(s, o), [] { return 2; });
      EXPECT_TRUE(r.ok());
    }(s, narrow));
    auto refused = co_await offload_to(s, lane_of(s, narrow), [] { return 3; });
    EXPECT_FALSE(refused.ok());
    if (!refused) {
      EXPECT_EQ(refused.error().code, call_errc::overloaded);
    }
    release.set_value();
    while (lane_of(s, narrow).stats().queued > 0) std::this_thread::sleep_for(1ms);
    auto later = co_await offload_to(s, lane_of(s, narrow), [] { return 4; });
    EXPECT_TRUE(later.ok());
    if (later) {
      EXPECT_EQ(*later, 4);
    }
  });
  done.get();
  n.stop();
  n.wait();
}

}  // namespace
}  // namespace stratus::runtime
