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
    auto set = co_await s.call(".cacheproxyd"s, cache::set{"k"s, "v"s, std::nullopt});
    EXPECT_TRUE(set.ok() && set->ok());
    auto got = co_await s.call(".cacheproxyd"s, cache::get{"k"s});
    EXPECT_EQ(**got, std::optional<std::string>("v"));
    auto missing = co_await s.call(".cacheproxyd"s, cache::get{"nope"s});
    EXPECT_EQ(**missing, std::nullopt);
    auto inc = co_await s.call(".cacheproxyd"s, cache::incr{"n"s, 5});
    EXPECT_EQ(**inc, 5);
    inc = co_await s.call(".cacheproxyd"s, cache::incr{"n"s, 1});
    EXPECT_EQ(**inc, 6);
    auto hs = co_await s.call(".cacheproxyd"s, cache::hset{"h"s, "a"s, "1"s});
    EXPECT_TRUE(**hs);
    auto hm =
        co_await s.call(".cacheproxyd"s, cache::hmset{"h"s, {{"sb"s, "s2"s}, {"sc"s, "s3"s}}});
    EXPECT_TRUE(hm->ok());
    auto hg = co_await s.call(".cacheproxyd"s, cache::hget{"h"s, "b"s});
    EXPECT_EQ(**hg, std::optional<std::string>("2"));
    auto all = co_await s.call(".cacheproxyd"s, cache::hgetall{"h"s});
    EXPECT_EQ((**all).size(), 3u);
    auto d = co_await s.call(".cacheproxyd"s, cache::del{"k"s});
    EXPECT_TRUE(**d);
    d = co_await s.call(".cacheproxyd"s, cache::del{"k"s});
    EXPECT_FALSE(**d);
    auto raw = co_await s.call(".cacheproxyd"s, cache::command{{"PING"s}});
    EXPECT_EQ((**raw).value, backend::kv_reply{backend::kv_status{"PONG"}}.value);
    auto pipe = co_await s.call(
        ".cacheproxyd"s,
        cache::pipeline{{{"SET"s, "sp"s, "s1"s}, {"sINCR"s, "sp"s}, {"sGET"s, "sp"s}}});
    STRATUS_CO_ASSERT(pipe->ok());
    STRATUS_CO_ASSERT(((**pipe).size()) == (3u));
    EXPECT_EQ(*(**pipe)[2].as_string(), "2");
    auto st = co_await s.call(".cacheproxyd"s, cache::stats{});
    EXPECT_GT(st->commands_ok, 5u);
  });
}

TEST(CacheProxy, TtlAndExpireMakeKeysVanish) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    co_await s.call(".cacheproxyd"s, cache::set{"t"s, "v"s, 50ms});
    co_await s.call(".cacheproxyd"s, cache::set{"e"s, "v"s, std::nullopt});
    auto ex = co_await s.call(".cacheproxyd"s, cache::expire{"e"s, 50ms});
    EXPECT_TRUE(**ex);
    co_await s.sleep(120ms);
    auto t = co_await s.call(".cacheproxyd"s, cache::get{"t"s});
    EXPECT_EQ(**t, std::nullopt);
    auto e = co_await s.call(".cacheproxyd"s, cache::get{"e"s});
    EXPECT_EQ(**e, std::nullopt);
  });
}

TEST(CacheProxy, UnsupportedCommandIsABadRequestNotACrash) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    auto r = co_await s.call(".cacheproxyd"s, cache::command{{"ZADD"s, "sz"s, "s1"s, "sa"s}});
    STRATUS_CO_ASSERT(r.ok());
    STRATUS_CO_ASSERT(!(r->ok()));
    EXPECT_EQ(r->err().code, backend::error_code::bad_request);
  });
}

TEST(DbProxy, MigrationsApplyAndStatementsAreParameterised) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    std::string evil = "x'); DROP TABLE accounts; --";
    auto ins = co_await s.call(
        ".dbproxyd",
        db::exec{"INSERT INTO accounts (account, password_hash) VALUES (?, ?)"s, {evil, "h"s}});
    STRATUS_CO_ASSERT(ins->ok());
    EXPECT_EQ((**ins).affected, 1u);
    auto q = co_await s.call(
        ".dbproxyd"s, db::query{"SELECT id, account FROM accounts WHERE account = ?"s, {evil}});
    STRATUS_CO_ASSERT(q->ok());
    STRATUS_CO_ASSERT(((**q).size()) == (1u));
    EXPECT_EQ(std::get<std::string>((**q).at(0, "account")), evil);
    auto bad = co_await s.call(".dbproxyd"s, db::query{"SELEKT nonsense"s, {}});
    EXPECT_EQ(bad->err().code, backend::error_code::bad_request);
    auto st = co_await s.call(".dbproxyd"s, db::stats{});
    EXPECT_GE(st->queries_failed, 1u);
  });
}

TEST(DbProxy, TransactionCommitsAllOrNothing) {
  temp_dir dir;
  backend_node n(embedded_config(dir));
  n.exec([](service& s) -> task<void> {
    const std::string ins = "INSERT INTO accounts (account, password_hash) VALUES (?, ?)"s;
    auto ok = co_await s.call(".dbproxyd",
                              db::transaction{{{ins, {std::string("a"s), std::string("h"s)}},
                                               {ins, {std::string("b"), std::string("h")}}}});
    STRATUS_CO_ASSERT(ok->ok());
    EXPECT_EQ((**ok).size(), 2u);
    // The second statement violates UNIQUE: the first ("c") must be rolled back.
    auto fail = co_await s.call(".dbproxyd",
                                db::transaction{{{ins, {std::string("c"s), std::string("h"s)}},
                                                 {ins, {std::string("a"), std::string("h")}}}});
    EXPECT_FALSE(fail->ok());
    auto q = co_await s.call(".dbproxyd"s, db::query{"SELECT COUNT(*) AS n FROM accounts"s, {}});
    EXPECT_EQ(std::get<std::int64_t>((**q).at(0, "n")), 2);
  });
}

TEST(DbProxy, DataSurvivesARestartOfTheNode) {
  temp_dir dir;
  {
    backend_node n(embedded_config(dir));
    n.exec([](service& s) -> task<void> {
      co_await s.call(".dbproxyd",
                      db::exec{"INSERT INTO accounts (account, password_hash) VALUES (?, ?)"s,
                               {std::string("kept"), std::string("h")}});
    });
  }
  backend_node again(embedded_config(dir));  // migrations already applied: must not fail
  again.exec([](service& s) -> task<void> {
    auto q = co_await s.call(".dbproxyd",
                             db::query{"SELECT id FROM accounts WHERE account = ?"s, {"kept"s}});
    EXPECT_EQ((**q).size(), 1u);
  });
}

}  // namespace
}  // namespace stratus::services
