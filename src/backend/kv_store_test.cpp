// The same behaviour tests run against memory_store and against redis_store on a real Redis.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "backend/memory_store.hpp"
#include "backend/redis_store.hpp"
#include "support/redis_server.hpp"

namespace stratus::backend {
namespace {

using namespace std::chrono_literals;

class kv_store_test : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<test_support::redis_server>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<memory_store>();
      return;
    }
    redis_options o;
    o.port = server_->port();
    o.pool_size = 2;
    store_ = std::make_unique<redis_store>(o);
    ASSERT_TRUE(store_->command({"FLUSHDB"}).ok());
  }

  static inline std::unique_ptr<test_support::redis_server> server_;
  std::unique_ptr<kv_store> store_;
};

TEST_P(kv_store_test, get_set_del) {
  auto& s = *store_;
  EXPECT_EQ(*s.get("player:1"), std::nullopt);
  ASSERT_TRUE(s.set("player:1", "alice").ok());
  EXPECT_EQ(*s.get("player:1"), "alice");
  ASSERT_TRUE(s.set("player:1", "bob").ok());
  EXPECT_EQ(*s.get("player:1"), "bob");
  EXPECT_TRUE(*s.del("player:1"));
  EXPECT_FALSE(*s.del("player:1"));
  EXPECT_EQ(*s.get("player:1"), std::nullopt);
}

TEST_P(kv_store_test, ttl_on_set_and_expire) {
  auto& s = *store_;
  ASSERT_TRUE(s.set("token", "t1", 100ms).ok());
  ASSERT_TRUE(s.set("session", "s1").ok());
  EXPECT_TRUE(*s.expire("session", 100ms));
  EXPECT_FALSE(*s.expire("missing", 100ms));
  ASSERT_TRUE(s.set("stays", "x").ok());
  EXPECT_EQ(*s.get("token"), "t1");
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(*s.get("token"), std::nullopt);
  EXPECT_EQ(*s.get("session"), std::nullopt);
  EXPECT_EQ(*s.get("stays"), "x");
  // A plain SET clears an earlier TTL.
  ASSERT_TRUE(s.set("k", "1", 100ms).ok());
  ASSERT_TRUE(s.set("k", "2").ok());
  EXPECT_EQ(*s.command({"TTL", "k"})->as_int(), -1);
}

TEST_P(kv_store_test, incr_counts_and_rejects_non_integers) {
  auto& s = *store_;
  EXPECT_EQ(*s.incr("uid"), 1);
  EXPECT_EQ(*s.incr("uid", 5), 6);
  EXPECT_EQ(*s.incr("uid", -10), -4);
  EXPECT_EQ(*s.get("uid"), "-4");
  ASSERT_TRUE(s.set("name", "alice").ok());
  auto bad = s.incr("name");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, error_code::bad_request);
  EXPECT_EQ(*s.get("name"), "alice");
}

TEST_P(kv_store_test, hashes) {
  auto& s = *store_;
  EXPECT_TRUE(*s.hset("acc:alice", "uid", "1"));
  EXPECT_FALSE(*s.hset("acc:alice", "uid", "2"));
  ASSERT_TRUE(s.hmset("acc:alice", {{"level", "7"}, {"gold", "100"}}).ok());
  EXPECT_EQ(*s.hget("acc:alice", "uid"), "2");
  EXPECT_EQ(*s.hget("acc:alice", "nope"), std::nullopt);
  EXPECT_EQ(*s.hget("acc:nobody", "uid"), std::nullopt);
  std::map<std::string, std::string> want{{"uid", "2"}, {"level", "7"}, {"gold", "100"}};
  EXPECT_EQ(*s.hgetall("acc:alice"), want);
  EXPECT_TRUE(s.hgetall("acc:nobody")->empty());
}

TEST_P(kv_store_test, wrong_type_is_bad_request_for_helpers_and_a_value_for_raw_commands) {
  auto& s = *store_;
  ASSERT_TRUE(s.hset("h", "f", "v").ok());
  auto g = s.get("h");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, error_code::bad_request);
  EXPECT_NE(g.error().message.find("WRONGTYPE"), std::string::npos);
  auto raw = s.command({"GET", "h"});
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->is_error());
  EXPECT_EQ(std::get<kv_error>(raw->value).text.rfind("WRONGTYPE", 0), 0u);
  auto arity = s.command({"GET"});
  ASSERT_TRUE(arity.ok());
  EXPECT_TRUE(arity->is_error());
  EXPECT_GE(store_->stats().error_replies, 2u);
}

TEST_P(kv_store_test, pipeline_replies_in_order) {
  auto& s = *store_;
  auto r = s.pipeline({{"SET", "a", "1"},
                       {"INCR", "a"},
                       {"GET", "a"},
                       {"GET", "missing"},
                       {"HSET", "h", "f1", "x", "f2", "y"},
                       {"HGET", "a", "f"},
                       {"MGET", "a", "missing"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ((*r)[0], kv_reply{kv_status{"OK"}});
  EXPECT_EQ((*r)[1], kv_reply{std::int64_t{2}});
  EXPECT_EQ((*r)[2], kv_reply{std::string("2")});
  EXPECT_TRUE((*r)[3].is_nil());
  EXPECT_EQ((*r)[4], kv_reply{std::int64_t{2}});
  EXPECT_TRUE((*r)[5].is_error());
  std::vector<kv_reply> mget{kv_reply{std::string("2")}, kv_reply{kv_nil{}}};
  EXPECT_EQ((*r)[6], kv_reply{mget});
  EXPECT_TRUE(s.pipeline({})->empty());
}

TEST_P(kv_store_test, binary_safe_keys_and_values) {
  auto& s = *store_;
  std::string key("k\0ey\r\n", 6);
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  value += std::string(100000, '\0');
  ASSERT_TRUE(s.set(key, value).ok());
  EXPECT_EQ(*s.get(key), value);
  EXPECT_EQ(*s.get(std::string("k")), std::nullopt);
  ASSERT_TRUE(s.hset(key + "h", std::string("f\0", 2), value).ok());
  EXPECT_EQ(*s.hget(key + "h", std::string("f\0", 2)), value);
  EXPECT_EQ(*s.hget(key + "h", std::string("f")), std::nullopt);
}

TEST_P(kv_store_test, counters_follow_commands) {
  auto before = store_->stats();
  ASSERT_TRUE(store_->set("a", "1").ok());
  ASSERT_TRUE(store_->get("a").ok());
  auto after = store_->stats();
  EXPECT_EQ(after.commands_ok - before.commands_ok, 2u);
  EXPECT_EQ(after.commands_failed, before.commands_failed);
  EXPECT_GE(after.connections_up, 1u);
}

INSTANTIATE_TEST_SUITE_P(stores, kv_store_test, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace stratus::backend
