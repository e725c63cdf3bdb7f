#include "runtime/task.hpp"

#include <gtest/gtest.h>

#include <coroutine>
#include <stdexcept>
#include <string>

namespace stratus::runtime {
namespace {

// An awaitable that parks its coroutine where the test can resume it, as a call's reply would.
struct parked {
  std::coroutine_handle<>* slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { *slot = h; }
  void await_resume() const noexcept {}
};

task<int> answer_now(int& steps) {
  ++steps;
  co_return 42;
}

task<int> answer_later(std::coroutine_handle<>& slot, int& steps) {
  ++steps;
  co_await parked{&slot};
  ++steps;
  co_return 7;
}

task<void> fail_now() {
  throw std::runtime_error("bad request");
  co_return;
}

// A detached coroutine that waits for a started task and records what it gave.
struct recorder {
  struct promise_type {
    recorder get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

recorder wait_for(task<int>& t, int& got) {
  got = co_await t;
}

TEST(Task, StartRunsATaskThatDoesNotWaitToItsEndAtOnce) {
  int steps = 0;
  task<int> t = answer_now(steps);
  EXPECT_EQ(steps, 0);  // lazy until started
  EXPECT_TRUE(t.start());
  EXPECT_EQ(steps, 1);
  EXPECT_EQ(t.result(), 42);
}

TEST(Task, AStartedTaskThatWaitsIsAwaitedWithoutRunningItAgain) {
  std::coroutine_handle<> slot;
  int steps = 0;
  task<int> t = answer_later(slot, steps);
  EXPECT_FALSE(t.start());
  EXPECT_EQ(steps, 1);
  int got = 0;
  wait_for(t, got);  // suspends on the started task: does not resume it a second time
  EXPECT_EQ(steps, 1);
  EXPECT_EQ(got, 0);
  slot.resume();  // the reply arrives
  EXPECT_EQ(steps, 2);
  EXPECT_EQ(got, 7);
}

TEST(Task, AStartedTaskThatEndedIsAwaitedWithoutSuspending) {
  int steps = 0;
  task<int> t = answer_now(steps);
  ASSERT_TRUE(t.start());
  int got = 0;
  wait_for(t, got);
  EXPECT_EQ(got, 42);
  EXPECT_EQ(steps, 1);
}

TEST(Task, TheExceptionOfAStartedTaskComesFromResult) {
  task<void> t = fail_now();
  ASSERT_TRUE(t.start());
  EXPECT_THROW(t.result(), std::runtime_error);
}

}  // namespace
}  // namespace stratus::runtime
