// Behaviour only the in-process store has; shared kv semantics are in kv_store_test.cpp.
#include "backend/memory_store.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace stratus::backend {
namespace {

using namespace std::chrono_literals;

TEST(memory_store, unsupported_command_is_bad_request) {
  memory_store store;
  auto r = store.command({"ZADD", "board", "1", "alice"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::bad_request);
  EXPECT_NE(r.error().message.find("unsupported command in memory cache"), std::string::npos);
}

TEST(memory_store, pipeline_with_unsupported_command_applies_nothing) {
  memory_store store;
  auto r = store.pipeline({{"SET", "a", "1"}, {"LPUSH", "l", "x"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::bad_request);
  EXPECT_EQ(store.get("a")->has_value(), false);
}

TEST(memory_store, sweeper_removes_expired_keys_nobody_reads) {
  memory_store store(20ms);
  for (int i = 0; i < 100; ++i) {
    std::string key = "k";
    key += std::to_string(i);  // not "k" + ...: GCC 12 warns falsely (-Wrestrict)
    ASSERT_TRUE(store.set(key, "v", 30ms).ok());
  }
  ASSERT_TRUE(store.set("keep", "v").ok());
  EXPECT_EQ(store.key_count(), 101u);
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (store.key_count() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(store.key_count(), 1u);
}

TEST(memory_store, concurrent_increments_are_not_lost) {
  memory_store store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(store.incr("n").ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store.incr("n", 0), 4000);
  EXPECT_EQ(store.stats().commands_ok, 4001u);
}

TEST(memory_store, set_keepttl_and_persist_follow_redis) {
  memory_store store;
  ASSERT_TRUE(store.set("k", "v", 10s).ok());
  ASSERT_TRUE(store.command({"SET", "k", "w", "KEEPTTL"}).ok());
  EXPECT_GT(*store.command({"PTTL", "k"})->as_int(), 0);
  EXPECT_EQ(*store.command({"PERSIST", "k"})->as_int(), 1);
  EXPECT_EQ(*store.command({"TTL", "k"})->as_int(), -1);
  EXPECT_EQ(*store.command({"TTL", "missing"})->as_int(), -2);
}

}  // namespace
}  // namespace stratus::backend
