// The same behaviour tests run against sqlite_database and mysql_database (real mariadbd).
#include <gtest/gtest.h>

#include <memory>

#include "backend/migrations.hpp"
#include "backend/mysql_database.hpp"
#include "backend/sqlite_database.hpp"
#include "support/mariadb_server.hpp"

namespace stratus::backend {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

const char* const items_ddl =
    "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, "
    "price DOUBLE, data BLOB, note VARCHAR(64))";

class sql_database_test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      sqlite_options o;
      o.path = dir_.path() + "/game.db";
      o.query_timeout = 300ms;
      o.slow_query_threshold = 0ms;
      o.on_slow_query = [this](std::string_view sql, std::chrono::microseconds) {
        slow_.emplace_back(sql);
      };
      auto db = sqlite_database::open(o);
      ASSERT_TRUE(db.ok()) << db.error().message;
      db_ = std::move(*db);
    } else {
      auto& server = test_support::shared_mariadb();
      mysql_options o;
      o.port = server.port();
      o.user = server.user();
      o.password = server.password();
      o.database = server.database();
      o.pool_size = 2;
      o.query_timeout = 1s;
      o.slow_query_threshold = 0ms;
      o.on_slow_query = [this](std::string_view sql, std::chrono::microseconds) {
        slow_.emplace_back(sql);
      };
      db_ = std::make_unique<mysql_database>(o);
      for (const char* t : {"items", "accounts", "schema_migrations"}) {
        ASSERT_TRUE(db_->exec(std::string("DROP TABLE IF EXISTS ") + t).ok());
      }
    }
    slow_.clear();
  }

  result<std::vector<std::int64_t>> migrate() {
    return apply_migrations(*db_, STRATUS_MIGRATIONS_DIR);
  }

  test_support::scratch_dir dir_{"stratus-sqlite"};
  std::vector<std::string> slow_;
  std::unique_ptr<sql_database> db_;
};

TEST_P(sql_database_test, typed_values_round_trip) {
  ASSERT_TRUE(db_->exec(items_ddl).ok());
  sql_blob bytes{0, 1, 2, 0xff, 0, 0x80};
  auto ins =
      db_->exec("INSERT INTO items (id, name, price, data, note) VALUES (?, ?, ?, ?, ?)",
                {std::int64_t{7}, std::string("sword \xF0\x9F\x97\xA1"), 12.5, bytes, sql_null{}});
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  EXPECT_EQ(ins->affected, 1u);
  std::string long_name(60, 'x');
  sql_blob big(60000, 0xab);  // MySQL BLOB holds up to 64 KiB
  ASSERT_TRUE(db_->exec("INSERT INTO items (id, name, data) VALUES (?, ?, ?)",
                        {std::int64_t{8}, long_name, big})
                  .ok());
  auto rows = db_->query("SELECT id, name, price, data, note FROM items WHERE id >= ? ORDER BY id",
                         {std::int64_t{7}});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->columns, (std::vector<std::string>{"id", "name", "price", "data", "note"}));
  EXPECT_EQ(rows->at(0, "id"), sql_value(std::int64_t{7}));
  EXPECT_EQ(rows->at(0, "name"), sql_value(std::string("sword \xF0\x9F\x97\xA1")));
  EXPECT_EQ(rows->at(0, "price"), sql_value(12.5));
  EXPECT_EQ(rows->at(0, "data"), sql_value(bytes));
  EXPECT_EQ(rows->at(0, "note"), sql_value(sql_null{}));
  EXPECT_EQ(rows->at(1, "name"), sql_value(long_name));
  EXPECT_EQ(rows->at(1, "data"), sql_value(big));
  EXPECT_EQ(rows->at(1, "price"), sql_value(sql_null{}));
  auto alias = db_->query("SELECT COUNT(*) AS n FROM items");
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(alias->columns, std::vector<std::string>{"n"});
  EXPECT_EQ(alias->at(0, "n"), sql_value(std::int64_t{2}));
}

TEST_P(sql_database_test, migrations_run_once_and_create_accounts) {
  auto first = migrate();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, std::vector<std::int64_t>{1});
  auto second = migrate();
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->empty());
  auto recorded = db_->query("SELECT version, applied_at FROM schema_migrations");
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->size(), 1u);
  EXPECT_EQ(recorded->at(0, "version"), sql_value(std::int64_t{1}));

  auto a = db_->exec("INSERT INTO accounts (account, password_hash) VALUES (?, ?)",
                     {std::string("alice"), std::string("h1")});
  auto b = db_->exec("INSERT INTO accounts (account, password_hash) VALUES (?, ?)",
                     {std::string("bob"), std::string("h2")});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->last_insert_id, 1);
  EXPECT_EQ(b->last_insert_id, 2);
  auto row =
      db_->query("SELECT id, created_at FROM accounts WHERE account = ?", {std::string("bob")});
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->size(), 1u);
  EXPECT_EQ(row->at(0, "id"), sql_value(std::int64_t{2}));
  EXPECT_NE(std::get<std::string>(row->at(0, "created_at")), "");
}

TEST_P(sql_database_test, unique_violation_is_conflict) {
  ASSERT_TRUE(migrate().ok());
  const char* ins = "INSERT INTO accounts (account, password_hash) VALUES (?, ?)";
  ASSERT_TRUE(db_->exec(ins, {std::string("alice"), std::string("h")}).ok());
  auto dup = db_->exec(ins, {std::string("alice"), std::string("h")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, error_code::conflict);
  EXPECT_FALSE(dup.error().retry_safe);
  // The connection stays usable after a server-side error.
  EXPECT_TRUE(db_->exec(ins, {std::string("carol"), std::string("h")}).ok());
}

TEST_P(sql_database_test, invalid_utf8_is_bad_request_on_mariadb) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "SQLite stores any bytes; accounts check UTF-8 first";
  ASSERT_TRUE(migrate().ok());
  auto r = db_->exec("INSERT INTO accounts (account, password_hash) VALUES (?, ?)",
                     {std::string("\xff\xfe"), std::string("h")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::bad_request) << r.error().message;
}

TEST_P(sql_database_test, injection_strings_are_plain_data) {
  ASSERT_TRUE(migrate().ok());
  std::string evil = "x'); DROP TABLE accounts; -- \" \\ `";
  ASSERT_TRUE(db_->exec("INSERT INTO accounts (account, password_hash) VALUES (?, ?)",
                        {evil, std::string("h")})
                  .ok());
  auto back = db_->query("SELECT account FROM accounts WHERE account = ?", {evil});
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->at(0, "account"), sql_value(evil));
  auto none =
      db_->query("SELECT account FROM accounts WHERE account = ?", {std::string("' OR '1'='1")});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(sql_database_test, misuse_is_bad_request_and_bad_sql_internal) {
  ASSERT_TRUE(db_->exec(items_ddl).ok());
  auto count = db_->exec("INSERT INTO items (id, name) VALUES (?, ?)", {std::int64_t{1}});
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.error().code, error_code::bad_request);
  // Bad SQL (two statements in one call, a syntax error) is a bug in the caller, not the
  // client's fault: internal.
  auto two = db_->exec("DELETE FROM items; DROP TABLE items");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, error_code::internal);
  auto syntax = db_->query("SELEKT 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().code, error_code::internal);
  EXPECT_TRUE(db_->query("SELECT id FROM items").ok());
}

TEST_P(sql_database_test, transactions_commit_and_roll_back) {
  ASSERT_TRUE(db_->exec(items_ddl).ok());
  const char* ins = "INSERT INTO items (id, name) VALUES (?, ?)";
  auto committed = db_->transaction([&](sql_connection& c) -> result<void> {
    if (auto r = c.exec(ins, {std::int64_t{1}, std::string("a")}); !r) return r.error();
    if (auto r = c.exec(ins, {std::int64_t{2}, std::string("b")}); !r) return r.error();
    return {};
  });
  ASSERT_TRUE(committed.ok()) << committed.error().message;

  auto failed = db_->transaction([&](sql_connection& c) -> result<void> {
    if (auto r = c.exec(ins, {std::int64_t{3}, std::string("c")}); !r) return r.error();
    return c.exec(ins, {std::int64_t{1}, std::string("dup")}).ok()
               ? result<void>{}
               : fail(error_code::bad_request, "duplicate");
  });
  EXPECT_FALSE(failed.ok());

  EXPECT_THROW(db_->transaction([&](sql_connection& c) -> result<void> {
    (void)c.exec(ins, {std::int64_t{4}, std::string("d")});
    throw std::runtime_error("handler bug");
  }),
               std::runtime_error);

  auto rows = db_->query("SELECT id FROM items ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->values[1][0], sql_value(std::int64_t{2}));
}

TEST_P(sql_database_test, slow_statements_reach_the_hook_and_counters) {
  auto before = db_->stats();
  ASSERT_TRUE(db_->query("SELECT 1").ok());
  EXPECT_FALSE(db_->query("SELECT * FROM no_such_table").ok());
  auto after = db_->stats();
  EXPECT_EQ(after.queries_ok - before.queries_ok, 1u);
  EXPECT_EQ(after.queries_failed - before.queries_failed, 1u);
  EXPECT_EQ(after.slow_queries - before.slow_queries, 2u);  // threshold 0: every statement
  ASSERT_FALSE(slow_.empty());
  EXPECT_EQ(slow_.back(), "SELECT * FROM no_such_table");
}

TEST_P(sql_database_test, runaway_statement_times_out_and_the_next_one_works) {
  bool sqlite = GetParam() == "sqlite";
  auto limit = sqlite ? 300ms : 1000ms;
  auto start = clock::now();
  auto r = sqlite ? db_->query(
                        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                        "SELECT COUNT(*) FROM c")
                  : db_->query("SELECT SLEEP(5)");
  auto took = clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::timeout) << r.error().message;
  EXPECT_LT(took, 2 * limit);
  auto next = db_->query("SELECT 1 AS one");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->at(0, "one"), sql_value(std::int64_t{1}));
}

INSTANTIATE_TEST_SUITE_P(engines, sql_database_test, ::testing::Values("sqlite", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace stratus::backend
