#include "runtime/frame_pool.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "runtime/task.hpp"

namespace stratus::runtime {
namespace {

using detail::frame_allocate;
using detail::frame_deallocate;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool pooled = false;
#else
constexpr bool pooled = true;
#endif

TEST(FramePool, AFreedFrameIsReusedForAnySizeInItsClass) {
  if (!pooled) GTEST_SKIP() << "AddressSanitizer build: frames are not pooled";
  void* a = frame_allocate(100);
  std::memset(a, 0xab, 128);  // the whole 128-byte class is usable
  frame_deallocate(a, 100);
  void* b = frame_allocate(128);
  EXPECT_EQ(a, b);
  frame_deallocate(b, 128);
  void* c = frame_allocate(60);  // another class
  EXPECT_NE(c, a);
  frame_deallocate(c, 60);
}

TEST(FramePool, BigFramesAndFramesFreedOnAnotherThreadAreFine) {
  void* big = frame_allocate(64 * 1024);
  std::memset(big, 0, 64 * 1024);
  frame_deallocate(big, 64 * 1024);

  std::vector<void*> frames;
  for (int i = 0; i < 2000; ++i) frames.push_back(frame_allocate(200));
  std::thread other([&] {
    // More frames than one thread keeps: the rest go back to operator delete.
    for (void* f : frames) frame_deallocate(f, 200);
    for (int i = 0; i < 100; ++i) frame_deallocate(frame_allocate(200), 200);
  });
  other.join();
}

task<int> leaf(int x) {
  co_return x * 2;
}
task<int> chain(int depth) {
  if (depth == 0) co_return 1;
  int below = co_await chain(depth - 1);
  int twice = co_await leaf(below);
  co_return twice;
}

task<void> store(int depth, std::optional<int>* out) {
  auto pending = chain(depth);
  *out = co_await std::move(pending);
}

// Starts a lazily started task<void> from plain code and runs it to its end (nothing here
// suspends for real).
struct driver {
  struct promise_type {
    driver get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};
driver drive(task<void> t) { co_await std::move(t); }

TEST(FramePool, CoroutinesRunOnPooledFrames) {
  for (int round = 0; round < 3; ++round) {
    std::optional<int> got;
    drive(store(10, &got));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, 1024);
  }
}

}  // namespace
}  // namespace stratus::runtime
