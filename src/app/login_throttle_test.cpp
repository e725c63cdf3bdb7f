#include "app/login_throttle.hpp"

#include <gtest/gtest.h>

namespace stratus::app {
namespace {

using namespace std::chrono_literals;
using clock = login_throttle::clock;

login_throttle_options small() {
  login_throttle_options o;
  o.account_failures = 3;
  o.address_failures = 5;
  o.window = 60s;
  o.lockout = 10s;
  return o;
}

TEST(login_throttle, locks_an_account_after_its_failures_and_lets_it_go_after_the_lockout) {
  login_throttle t(small());
  const auto t0 = clock::now();
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(t.blocked("alice", "10.0.0.1", t0));
    t.failed("alice", "10.0.0.1", t0);
  }
  EXPECT_FALSE(t.blocked("alice", "10.0.0.1", t0));
  t.failed("alice", "10.0.0.1", t0);
  auto wait = t.blocked("alice", "10.0.0.2", t0 + 1s);  // from anywhere
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 9s);
  EXPECT_FALSE(t.blocked("bob", "10.0.0.2", t0 + 1s));  // others are not affected
  EXPECT_FALSE(t.blocked("alice", "10.0.0.1", t0 + 11s));
}

TEST(login_throttle, lockouts_double_while_failures_go_on) {
  login_throttle t(small());
  auto now = clock::now();
  for (int i = 0; i < 3; ++i) t.failed("alice", "", now);
  EXPECT_EQ(*t.blocked("alice", "", now), 10s);
  now += 11s;
  for (int i = 0; i < 3; ++i) t.failed("alice", "", now);
  EXPECT_EQ(*t.blocked("alice", "", now), 20s);
  now += 21s;
  for (int i = 0; i < 3; ++i) t.failed("alice", "", now);
  EXPECT_EQ(*t.blocked("alice", "", now), 40s);
}

TEST(login_throttle, an_address_guessing_many_accounts_is_locked) {
  login_throttle t(small());
  const auto now = clock::now();
  for (int i = 0; i < 5; ++i) t.failed("user" + std::to_string(i), "10.0.0.9", now);
  EXPECT_TRUE(t.blocked("someone-else", "10.0.0.9", now));
  EXPECT_FALSE(t.blocked("someone-else", "10.0.0.8", now));
}

TEST(login_throttle, success_clears_the_account_and_quiet_windows_forgive) {
  login_throttle t(small());
  auto now = clock::now();
  t.failed("alice", "", now);
  t.failed("alice", "", now);
  t.succeeded("alice");
  t.failed("alice", "", now);
  EXPECT_FALSE(t.blocked("alice", "", now));
  now += 61s;  // the window passed: the earlier failures no longer count
  t.failed("alice", "", now);
  t.failed("alice", "", now);
  EXPECT_FALSE(t.blocked("alice", "", now));
}

TEST(login_throttle, memory_stays_bounded_under_many_names) {
  auto o = small();
  o.max_tracked = 1000;
  login_throttle t(o);
  const auto now = clock::now();
  for (int i = 0; i < 50000; ++i) t.failed("name" + std::to_string(i), "", now);
  EXPECT_LE(t.tracked(), 1000u);
}

}  // namespace
}  // namespace stratus::app

namespace stratus::app {
namespace {

TEST(login_throttle, a_storm_against_one_account_checks_only_a_few_passwords_at_once) {
  auto o = small();
  o.concurrent = 3;
  login_throttle t(o);
  EXPECT_TRUE(t.begin_attempt("alice"));
  EXPECT_TRUE(t.begin_attempt("alice"));
  EXPECT_TRUE(t.begin_attempt("alice"));
  EXPECT_FALSE(t.begin_attempt("alice"));  // refused at once, nothing hashed
  EXPECT_TRUE(t.begin_attempt("bob"));     // other accounts are not affected
  t.end_attempt("alice");
  EXPECT_TRUE(t.begin_attempt("alice"));
}

}  // namespace
}  // namespace stratus::app
