#include "backend/sqlite_session.hpp"

#include <sqlite3.h>

namespace stratus::backend {
namespace {

constexpr std::size_t max_cached_statements = 64;

// Resets a statement when the call using it ends, however it ends.
struct statement_reset {
  sqlite3_stmt* stmt;
  ~statement_reset() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

int bind(sqlite3_stmt* stmt, int index, const sql_value& value) {
  struct visitor {
    sqlite3_stmt* s;
    int i;
    int operator()(const sql_null&) const { return sqlite3_bind_null(s, i); }
    int operator()(std::int64_t v) const { return sqlite3_bind_int64(s, i, v); }
    int operator()(double v) const { return sqlite3_bind_double(s, i, v); }
    int operator()(const std::string& v) const {
      return sqlite3_bind_text64(s, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    int operator()(const sql_blob& v) const {
      return sqlite3_bind_blob64(s, i, v.data(), v.size(), SQLITE_TRANSIENT);
    }
  };
  return std::visit(visitor{stmt, index}, value);
}

sql_value column(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return std::int64_t{sqlite3_column_int64(stmt, i)};
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, i));
      return sql_blob(data, data + sqlite3_column_bytes(stmt, i));
    }
    default:
      return sql_null{};
  }
}

bool only_blank(const char* tail) {
  for (; *tail; ++tail) {
    if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
      return false;
    }
  }
  return true;
}

}  // namespace

sqlite_session::sqlite_session(sqlite3* db, std::chrono::milliseconds query_timeout)
    : db_(db), timeout_(query_timeout) {
  sqlite3_progress_handler(db_, 1000, &sqlite_session::on_progress, this);
}

sqlite_session::~sqlite_session() {
  sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
}

int sqlite_session::on_progress(void* self) {
  auto* session = static_cast<sqlite_session*>(self);
  return std::chrono::steady_clock::now() > session->deadline_ ? 1 : 0;
}

error sqlite_session::failure(int rc) {
  std::string why = std::string("sqlite: ") + sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_INTERRUPT:
      return fail(error_code::timeout, "sqlite: statement ran past the query timeout");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return fail_retry_safe(error_code::timeout, why);
    case SQLITE_CONSTRAINT:
      if (const int ext = sqlite3_extended_errcode(db_);
          ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return fail(error_code::conflict, why);
      return fail(error_code::bad_request, why);
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return fail(error_code::bad_request, why);
    case SQLITE_ERROR:
      return fail(error_code::internal, why);  // bad SQL: a bug to look at
    case SQLITE_READONLY:
      return fail_retry_safe(error_code::backend_unavailable, why);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return fail(error_code::backend_unavailable, why);
    default:
      return fail(error_code::internal, why);
  }
}

result<sqlite3_stmt*> sqlite_session::prepare(std::string_view sql,
                                              const std::vector<sql_value>& params) {
  std::string key(sql);
  auto it = cache_.find(key);
  sqlite3_stmt* stmt = nullptr;
  if (it != cache_.end()) {
    stmt = it->second;
  } else {
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size() + 1), &stmt, &tail);
    if (rc != SQLITE_OK) return failure(rc);
    if (!stmt) return fail(error_code::bad_request, "sqlite: empty statement");
    if (tail && !only_blank(tail)) {
      sqlite3_finalize(stmt);
      return fail(error_code::internal, "sqlite: one statement per call");
    }
    if (cache_.size() >= max_cached_statements) {
      for (auto& [text, old] : cache_) sqlite3_finalize(old);
      cache_.clear();
    }
    cache_.emplace(std::move(key), stmt);
  }
  auto expected = static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt));
  if (expected != params.size()) {
    return fail(error_code::bad_request, "sqlite: statement takes " + std::to_string(expected) +
                                             " parameters, got " + std::to_string(params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (int rc = bind(stmt, static_cast<int>(i + 1), params[i]); rc != SQLITE_OK) {
      sqlite3_clear_bindings(stmt);
      return failure(rc);
    }
  }
  return stmt;
}

result<sql_rows> sqlite_session::query(std::string_view sql, std::vector<sql_value> params) {
  auto prepared = prepare(sql, params);
  if (!prepared) return prepared.error();
  sqlite3_stmt* stmt = *prepared;
  statement_reset reset{stmt};
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  sql_rows rows;
  int columns = sqlite3_column_count(stmt);
  for (int i = 0; i < columns; ++i) rows.columns.emplace_back(sqlite3_column_name(stmt, i));
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<sql_value> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) row.push_back(column(stmt, i));
    rows.values.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return failure(rc);
  return rows;
}

result<exec_result> sqlite_session::exec(std::string_view sql, std::vector<sql_value> params) {
  auto prepared = prepare(sql, params);
  if (!prepared) return prepared.error();
  sqlite3_stmt* stmt = *prepared;
  statement_reset reset{stmt};
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return failure(rc);
  exec_result out;
  out.affected = static_cast<std::uint64_t>(sqlite3_changes64(db_));
  out.last_insert_id = sqlite3_last_insert_rowid(db_);
  return out;
}

}  // namespace stratus::backend
