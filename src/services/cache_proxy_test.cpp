// The cache and database services reached through call(), on the embedded backends.
#include "services/cache_proxy.hpp"

#include <gtest/gtest.h>

#include "services/db_proxy.hpp"
#include "services/test_node.hpp"

namespace stratus::services {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using runtime::service;
using runtime::task;
using testing::backend_node;
using testing::embedded_config;
using testing::temp_dir;

TEST(CacheProxy, EveryOperationThroughCall) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    auto msg31 = cache::set{"k"s, "v"s, std::nullopt};
    auto set = co_await s.call(".cacheproxyd", std::move(msg31));
    EXPECT_TRUE(set.ok() && set->ok());
    auto msg32 = cache::get{"k"s};
    auto got = co_await s.call(".cacheproxyd", std::move(msg32));
    EXPECT_EQ(**got, std::optional<std::string>("v"));
    auto msg33 = cache::get{"nope"s};
    auto missing = co_await s.call(".cacheproxyd", std::move(msg33));
    EXPECT_EQ(**missing, std::nullopt);
    auto msg34 = cache::incr{"n"s, 5};
    auto inc = co_await s.call(".cacheproxyd", std::move(msg34));
    EXPECT_EQ(**inc, 5);
    auto msg35 = cache::incr{"n"s, 1};
    inc = co_await s.call(".cacheproxyd", std::move(msg35));
    EXPECT_EQ(**inc, 6);
    auto msg36 = cache::hset{"h"s, "a"s, "1"s};
    auto hs = co_await s.call(".cacheproxyd", std::move(msg36));
    EXPECT_TRUE(**hs);
    auto msg11 = cache::hmset{"h"s, {{"b"s, "2"s}, {"c"s, "3"s}}};
    auto hm = co_await s.call(".cacheproxyd", std::move(msg11));
    EXPECT_TRUE(hm->ok());
    auto msg37 = cache::hget{"h"s, "b"s};
    auto hg = co_await s.call(".cacheproxyd", std::move(msg37));
    EXPECT_EQ(**hg, std::optional<std::string>("2"));
    auto msg38 = cache::hgetall{"h"s};
    auto all = co_await s.call(".cacheproxyd", std::move(msg38));
    EXPECT_EQ((**all).size(), 3u);
    auto msg39 = cache::del{"k"s};
    auto d = co_await s.call(".cacheproxyd", std::move(msg39));
    EXPECT_TRUE(**d);
    auto msg40 = cache::del{"k"s};
    d = co_await s.call(".cacheproxyd", std::move(msg40));
    EXPECT_FALSE(**d);
    auto msg12 = cache::command{{"PING"s}};
    auto raw = co_await s.call(".cacheproxyd", std::move(msg12));
    EXPECT_EQ((**raw).value, backend::kv_reply{backend::kv_status{"PONG"s}}.value);
    auto msg13 = cache::pipeline{{{"SET"s, "p"s, "1"s}, {"INCR"s, "p"s}, {"GET"s, "p"s}}};
    auto pipe = co_await s.call(".cacheproxyd", std::move(msg13));
    STRATUS_CO_ASSERT(pipe->ok());
    STRATUS_CO_ASSERT(((**pipe).size()) == (3u));
    EXPECT_EQ(*(**pipe)[2].as_string(), "2");
    auto msg41 = cache::stats{};
    auto st = co_await s.call(".cacheproxyd", std::move(msg41));
    EXPECT_GT(st->commands_ok, 5u);
  });
}

TEST(CacheProxy, TtlAndExpireMakeKeysVanish) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    auto msg42 = cache::set{"t"s, "v"s, 50ms};
    co_await s.call(".cacheproxyd", std::move(msg42));
    auto msg43 = cache::set{"e"s, "v"s, std::nullopt};
    co_await s.call(".cacheproxyd", std::move(msg43));
    auto msg44 = cache::expire{"e"s, 50ms};
    auto ex = co_await s.call(".cacheproxyd", std::move(msg44));
    EXPECT_TRUE(**ex);
    co_await s.sleep(120ms);
    auto msg45 = cache::get{"t"s};
    auto t = co_await s.call(".cacheproxyd", std::move(msg45));
    EXPECT_EQ(**t, std::nullopt);
    auto msg46 = cache::get{"e"s};
    auto e = co_await s.call(".cacheproxyd", std::move(msg46));
    EXPECT_EQ(**e, std::nullopt);
  });
}

TEST(CacheProxy, UnsupportedCommandIsABadRequestNotACrash) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    auto msg14 = cache::command{{"ZADD"s, "z"s, "1"s, "a"s}};
    auto r = co_await s.call(".cacheproxyd", std::move(msg14));
    STRATUS_CO_ASSERT(r.ok());
    STRATUS_CO_ASSERT(!(r->ok()));
    EXPECT_EQ(r->error().code, backend::error_code::bad_request);
  });
}

TEST(DbProxy, MigrationsApplyAndStatementsAreParameterised) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    std::string evil = "x'); DROP TABLE accounts; --";
    auto msg1 =
        db::exec{"INSERT INTO accounts (account, password_hash) VALUES (?, ?)"s, {evil, "h"s}};
    auto ins = co_await s.call(".dbproxyd", std::move(msg1));
    STRATUS_CO_ASSERT(ins->ok());
    EXPECT_EQ((**ins).affected, 1u);
    auto msg15 = db::query{"SELECT id, account FROM accounts WHERE account = ?"s, {evil}};
    auto q = co_await s.call(".dbproxyd", std::move(msg15));
    STRATUS_CO_ASSERT(q->ok());
    STRATUS_CO_ASSERT(((**q).size()) == (1u));
    EXPECT_EQ(std::get<std::string>((**q).at(0, "account")), evil);
    auto msg16 = db::query{"SELEKT nonsense"s, {}};
    auto bad = co_await s.call(".dbproxyd", std::move(msg16));
    EXPECT_EQ(bad->error().code, backend::error_code::internal);  // bad SQL: a bug, not bad data
    auto msg47 = db::stats{};
    auto st = co_await s.call(".dbproxyd", std::move(msg47));
    EXPECT_GE(st->queries_failed, 1u);
  });
}

TEST(DbProxy, TransactionCommitsAllOrNothing) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    const std::string ins = "INSERT INTO accounts (account, password_hash) VALUES (?, ?)"s;
    auto msg2 = db::transaction{{{ins, {std::string("a"s), std::string("h"s)}},
                                 {ins, {std::string("b"), std::string("h")}}}};
    auto ok = co_await s.call(".dbproxyd", std::move(msg2));
    STRATUS_CO_ASSERT(ok->ok());
    EXPECT_EQ((**ok).size(), 2u);
    // The second statement violates UNIQUE: the first ("c") must be rolled back.
    auto msg3 = db::transaction{{{ins, {std::string("c"s), std::string("h"s)}},
                                 {ins, {std::string("a"), std::string("h")}}}};
    auto fail = co_await s.call(".dbproxyd", std::move(msg3));
    EXPECT_FALSE(fail->ok());
    auto msg17 = db::query{"SELECT COUNT(*) AS n FROM accounts"s, {}};
    auto q = co_await s.call(".dbproxyd", std::move(msg17));
    EXPECT_EQ(std::get<std::int64_t>((**q).at(0, "n")), 2);
  });
}

TEST(DbProxy, DataSurvivesARestartOfTheNode) {
  temp_dir dir;
  {
    backend_node n(embedded_config(dir));
    n.exec([](service& s) -> task<void> {
      auto msg4 = db::exec{"INSERT INTO accounts (account, password_hash) VALUES (?, ?)"s,
                           {std::string("kept"), std::string("h")}};
      co_await s.call(".dbproxyd", std::move(msg4));
    });
  }
  backend_node again(embedded_config(dir));  // migrations already applied: must not fail
  again.exec([](service& s) -> task<void> {
    auto msg5 = db::query{"SELECT id FROM accounts WHERE account = ?"s, {"kept"s}};
    auto q = co_await s.call(".dbproxyd", std::move(msg5));
    EXPECT_EQ((**q).size(), 1u);
  });
}

}  // namespace
}  // namespace stratus::services
