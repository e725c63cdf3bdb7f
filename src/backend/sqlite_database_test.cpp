// SQLite-only behaviour: the file, its directory, durability, WAL; migration file rules.
#include "backend/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "backend/migrations.hpp"
#include "support/child_process.hpp"

namespace stratus::backend {
namespace {

std::unique_ptr<sqlite_database> open_at(const std::string& path) {
  sqlite_options o;
  o.path = path;
  auto db = sqlite_database::open(o);
  if (!db) ADD_FAILURE() << db.error().message;
  return db ? std::move(*db) : nullptr;
}

TEST(sqlite_database, creates_parent_dirs_uses_wal_and_keeps_data_after_reopen) {
  test_support::scratch_dir dir("stratus-sqlite");
  auto path = dir.path() + "/data/nested/game.db";
  {
    auto db = open_at(path);
    ASSERT_TRUE(db);
    EXPECT_EQ(db->query("PRAGMA journal_mode")->values.at(0).at(0), sql_value(std::string("wal")));
    ASSERT_TRUE(apply_migrations(*db, STRATUS_MIGRATIONS_DIR).ok());
    ASSERT_TRUE(db->exec("INSERT INTO accounts (account, password_hash) VALUES (?, ?)",
                         {std::string("alice"), std::string("h")})
                    .ok());
  }
  auto db = open_at(path);
  ASSERT_TRUE(db);
  auto rows = db->query("SELECT id, account FROM accounts");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0, "account"), sql_value(std::string("alice")));
  EXPECT_TRUE(apply_migrations(*db, STRATUS_MIGRATIONS_DIR)->empty());
}

TEST(sqlite_database, unopenable_path_is_backend_unavailable) {
  test_support::scratch_dir dir("stratus-sqlite");
  std::ofstream(dir.path() + "/file") << "x";
  sqlite_options o;
  o.path = dir.path() + "/file/game.db";  // a regular file stands where a directory must be
  auto db = sqlite_database::open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, error_code::backend_unavailable);
}

TEST(migrations, files_are_chosen_per_engine_and_sorted) {
  test_support::scratch_dir dir("stratus-migrations");
  for (const char* name : {"0002_items.sql", "0001_accounts.sqlite.sql", "0001_accounts.mysql.sql",
                           "0010_late.sql", "README.md"}) {
    std::ofstream(dir.path() + "/" + name) << "SELECT 1;";
  }
  auto sqlite = list_migrations(dir.path(), "sqlite");
  ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
  ASSERT_EQ(sqlite->size(), 3u);
  EXPECT_EQ((*sqlite)[0].path.filename(), "0001_accounts.sqlite.sql");
  EXPECT_EQ((*sqlite)[1].version, 2);
  EXPECT_EQ((*sqlite)[2].version, 10);
  EXPECT_EQ((*list_migrations(dir.path(), "mysql"))[0].path.filename(), "0001_accounts.mysql.sql");

  std::ofstream(dir.path() + "/0002_again.sql") << "SELECT 1;";
  auto dup = list_migrations(dir.path(), "sqlite");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("two migrations with version"), std::string::npos);
}

TEST(migrations, badly_named_file_is_refused) {
  test_support::scratch_dir dir("stratus-migrations");
  std::ofstream(dir.path() + "/accounts.sql") << "SELECT 1;";
  auto r = list_migrations(dir.path(), "sqlite");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::bad_request);
}

TEST(migrations, script_splits_outside_quotes_and_comments) {
  auto parts = split_sql_statements(
      "-- header; not a statement\n"
      "CREATE TABLE t (a VARCHAR(9) DEFAULT 'x;y');\n"
      "/* block; comment */ INSERT INTO t VALUES ('it''s; \\' fine');\n"
      "  ;\n"
      "SELECT \"a;b\" FROM `odd;name`");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "CREATE TABLE t (a VARCHAR(9) DEFAULT 'x;y')");
  EXPECT_EQ(parts[1], "INSERT INTO t VALUES ('it''s; \\' fine')");
  EXPECT_EQ(parts[2], "SELECT \"a;b\" FROM `odd;name`");
}

TEST(migrations, failing_file_is_not_recorded_and_stops_the_run) {
  test_support::scratch_dir dir("stratus-migrations");
  std::ofstream(dir.path() + "/0001_ok.sql") << "CREATE TABLE a (x BIGINT);";
  std::ofstream(dir.path() + "/0002_bad.sql") << "CREATE TABLE b (x BIGINT); CREATE TABLE oops(;";
  std::ofstream(dir.path() + "/0003_later.sql") << "CREATE TABLE c (x BIGINT);";
  auto db = open_at(dir.path() + "/m.db");
  ASSERT_TRUE(db);
  auto r = apply_migrations(*db, dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("0002_bad.sql"), std::string::npos) << r.error().message;
  auto versions = db->query("SELECT version FROM schema_migrations");
  ASSERT_EQ(versions->size(), 1u);
  // SQLite DDL is transactional: table b from the failed file was rolled back.
  EXPECT_FALSE(db->query("SELECT x FROM b").ok());
  EXPECT_FALSE(db->query("SELECT x FROM c").ok());
}

}  // namespace
}  // namespace stratus::backend
