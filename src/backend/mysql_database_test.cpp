// MySQL-only behaviour: login failures and surviving a server crash and restart.
#include "backend/mysql_database.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/mariadb_server.hpp"

namespace stratus::backend {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

mysql_options options_for(const test_support::mariadb_server& server) {
  mysql_options o;
  o.port = server.port();
  o.user = server.user();
  o.password = server.password();
  o.database = server.database();
  o.pool_size = 2;
  o.connect_timeout = 1s;
  o.query_timeout = 1s;
  return o;
}

TEST(mysql_database, wrong_password_fails_without_leaking_it) {
  auto o = options_for(test_support::shared_mariadb());
  o.password = "not-the-s3cret";
  mysql_database db(o);
  auto r = db.query("SELECT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::backend_unavailable);
  EXPECT_NE(r.error().message.find("Access denied"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("not-the-s3cret"), std::string::npos) << r.error().message;
  // Known down now: the next call fails without another login attempt.
  auto again = db.query("SELECT 1");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("is down"), std::string::npos) << again.error().message;
}

TEST(mysql_database, concurrent_callers_share_the_pool) {
  mysql_database db(options_for(test_support::shared_mariadb()));
  ASSERT_TRUE(db.exec("DROP TABLE IF EXISTS counters").ok());
  ASSERT_TRUE(db.exec("CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)").ok());
  ASSERT_TRUE(db.exec("INSERT INTO counters (id, n) VALUES (1, 0)").ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        ASSERT_TRUE(db.exec("UPDATE counters SET n = n + ? WHERE id = 1", {std::int64_t{1}}).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(db.query("SELECT n FROM counters")->at(0, "n"), sql_value(std::int64_t{100}));
  // The pool opens connections as callers need them: at most its size (2), fewer when the
  // callers happened to take turns (as under ThreadSanitizer's slower scheduling).
  EXPECT_GE(db.stats().connections_up, 1u);
  EXPECT_LE(db.stats().connections_up, 2u);
}

TEST(mysql_database, fails_fast_while_down_and_recovers_after_restart) {
  auto& server = test_support::shared_mariadb();
  auto o = options_for(server);
  mysql_database db(o);
  ASSERT_TRUE(db.warm_up().ok());
  ASSERT_TRUE(db.exec("DROP TABLE IF EXISTS survivors").ok());
  ASSERT_TRUE(db.exec("CREATE TABLE survivors (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db.exec("INSERT INTO survivors (id) VALUES (?)", {std::int64_t{42}}).ok());

  server.kill();
  for (int i = 0; i < 10; ++i) {
    auto start = clock::now();
    auto r = db.query("SELECT id FROM survivors");
    auto took = clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, error_code::backend_unavailable) << r.error().message;
    EXPECT_LT(took, 2 * o.query_timeout);
  }
  EXPECT_EQ(db.stats().connections_up, 0u);

  server.start();  // same port and data directory
  auto deadline = clock::now() + 15s;
  result<sql_rows> rows = fail(error_code::internal, "not tried");
  while (clock::now() < deadline) {
    rows = db.query("SELECT id FROM survivors");
    if (rows.ok()) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(rows.ok()) << "no recovery: " << rows.error().message;
  EXPECT_EQ(rows->at(0, "id"), sql_value(std::int64_t{42}));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(db.query("SELECT 1").ok());
  EXPECT_GE(db.stats().reconnects, 1u);
}

}  // namespace
}  // namespace stratus::backend
