#include "backend/sqlite_database.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "backend/sqlite_session.hpp"

namespace stratus::backend {

result<std::unique_ptr<sqlite_database>> sqlite_database::open(sqlite_options options) {
  if (options.path != ":memory:") {
    std::error_code ec;
    auto parent = std::filesystem::path(options.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return fail(error_code::backend_unavailable,
                  "cannot create directory " + parent.string() + ": " + ec.message());
    }
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(options.path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return fail(error_code::backend_unavailable, "cannot open " + options.path + ": " + why);
  }
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  // Fixed pragmas, no data involved.
  const char* setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
  char* message = nullptr;
  if (sqlite3_exec(db, setup, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    sqlite3_close(db);
    return fail(error_code::backend_unavailable, "cannot set up " + options.path + ": " + why);
  }
  return std::unique_ptr<sqlite_database>(new sqlite_database(db, std::move(options)));
}

sqlite_database::sqlite_database(sqlite3* db, sqlite_options options)
    : db_(db),
      options_(std::move(options)),
      session_(std::make_unique<sqlite_session>(db, options_.query_timeout)),
      monitor_(options_.slow_query_threshold, options_.on_slow_query) {}

sqlite_database::~sqlite_database() {
  session_.reset();  // finalize statements before closing
  sqlite3_close(db_);
}

result<sql_rows> sqlite_database::query(std::string_view sql, std::vector<sql_value> params) {
  std::unique_lock lock(mutex_, options_.busy_timeout);
  if (!lock) return fail(error_code::timeout, "sqlite: connection busy in a long transaction");
  return monitored_connection(*session_, monitor_).query(sql, std::move(params));
}

result<exec_result> sqlite_database::exec(std::string_view sql, std::vector<sql_value> params) {
  std::unique_lock lock(mutex_, options_.busy_timeout);
  if (!lock) return fail(error_code::timeout, "sqlite: connection busy in a long transaction");
  return monitored_connection(*session_, monitor_).exec(sql, std::move(params));
}

result<void> sqlite_database::transaction(const transaction_body& body) {
  std::unique_lock lock(mutex_, options_.busy_timeout);
  if (!lock) return fail(error_code::timeout, "sqlite: connection busy in a long transaction");
  if (auto r = session_->exec("BEGIN IMMEDIATE"); !r) return r.error();
  auto rollback = [this] {
    if (sqlite3_get_autocommit(db_) == 0) (void)session_->exec("ROLLBACK");
  };
  monitored_connection conn(*session_, monitor_);
  result<void> outcome;
  try {
    outcome = body(conn);
  } catch (...) {
    rollback();
    throw;
  }
  if (!outcome) {
    rollback();
    return outcome;
  }
  if (auto r = session_->exec("COMMIT"); !r) {
    rollback();
    return r.error();
  }
  return {};
}

sql_stats sqlite_database::stats() const {
  sql_stats s;
  s.pool_size = 1;
  s.connections_up = 1;
  monitor_.fill(s);
  return s;
}

}  // namespace stratus::backend
