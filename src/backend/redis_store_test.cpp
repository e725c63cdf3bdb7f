// Redis-only behaviour: AUTH, SELECT, timeouts, and surviving a Redis crash and restart.
#include "backend/redis_store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/redis_server.hpp"

namespace stratus::backend {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

redis_options options_for(const test_support::redis_server& server) {
  redis_options o;
  o.port = server.port();
  o.password = server.password();
  o.pool_size = 2;
  o.connect_timeout = 300ms;
  o.command_timeout = 300ms;
  return o;
}

TEST(redis_store, auth_with_password_and_wrong_password_is_not_leaked) {
  test_support::redis_server server("pa55-word");
  redis_store good(options_for(server));
  ASSERT_TRUE(good.set("k", "v").ok());
  EXPECT_EQ(*good.get("k"), "v");

  auto o = options_for(server);
  o.password = "wrong-secret";
  redis_store bad(o);
  auto r = bad.get("k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::backend_unavailable);
  EXPECT_EQ(r.error().message.find("wrong-secret"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("pa55-word"), std::string::npos) << r.error().message;

  o.password.clear();
  redis_store none(o);
  auto n = none.get("k");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, error_code::bad_request);  // NOAUTH error reply
}

TEST(redis_store, select_keeps_databases_apart) {
  test_support::redis_server server;
  auto o = options_for(server);
  redis_store db0(o);
  o.db = 3;
  redis_store db3(o);
  ASSERT_TRUE(db3.set("k", "three").ok());
  EXPECT_EQ(*db0.get("k"), std::nullopt);
  EXPECT_EQ(*db3.get("k"), "three");
}

TEST(redis_store, slow_command_times_out_and_the_connection_recovers) {
  test_support::redis_server server;
  auto o = options_for(server);
  o.pool_size = 1;
  redis_store store(o);
  ASSERT_TRUE(store.warm_up().ok());
  auto start = clock::now();
  auto r = store.command({"BLPOP", "empty-list", "5"});
  auto took = clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::timeout) << r.error().message;
  EXPECT_LT(took, 2 * o.command_timeout);
  // The timed-out connection is replaced; the stale BLPOP reply never reaches a later caller.
  ASSERT_TRUE(store.set("after", "ok").ok());
  EXPECT_EQ(*store.get("after"), "ok");
  EXPECT_EQ(store.stats().reconnects, 1u);
}

TEST(redis_store, concurrent_callers_share_the_pool) {
  test_support::redis_server server;
  redis_store store(options_for(server));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) ASSERT_TRUE(store.incr("n").ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store.incr("n", 0), 800);
  EXPECT_EQ(store.stats().connections_up, 2u);
  EXPECT_EQ(store.stats().pool_size, 2u);
}

TEST(redis_store, fails_fast_while_down_and_recovers_after_restart) {
  test_support::redis_server server;
  auto o = options_for(server);
  redis_store store(o);
  ASSERT_TRUE(store.warm_up().ok());
  ASSERT_TRUE(store.set("k", "before").ok());

  server.kill();
  for (int i = 0; i < 20; ++i) {
    auto start = clock::now();
    auto r = store.get("k");
    auto took = clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, error_code::backend_unavailable) << r.error().message;
    EXPECT_LT(took, 2 * o.command_timeout);
  }
  EXPECT_EQ(store.stats().connections_up, 0u);
  EXPECT_GE(store.stats().commands_failed, 20u);

  server.start();  // same port, empty data (no persistence)
  auto deadline = clock::now() + 5s;
  bool back = false;
  while (!back && clock::now() < deadline) {
    back = store.set("k", "after").ok();
    if (!back) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(back) << "the store did not reconnect within 5 s";
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store.get("k").ok());
  EXPECT_EQ(*store.get("k"), "after");
  EXPECT_GE(store.stats().reconnects, 1u);
}

}  // namespace
}  // namespace stratus::backend
