#include "backend/mysql_connection.hpp"

#include <errmsg.h>
#include <mysql.h>

#include <cstring>
#include <mutex>

namespace stratus::backend {
namespace {

constexpr std::size_t max_cached_statements = 64;
constexpr unsigned long initial_text_buffer = 256;

unsigned int whole_seconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned int>(std::max<long long>(1, (ms.count() + 999) / 1000));
}

// One result column's fetch target.
struct column_buffer {
  enum kind_t { integer, real, text, binary } kind = text;
  std::vector<char> data;
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
};

column_buffer::kind_t kind_of(const MYSQL_FIELD& f) {
  switch (f.type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      return column_buffer::integer;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return column_buffer::real;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_BIT:
      return f.charsetnr == 63 ? column_buffer::binary : column_buffer::text;  // 63 = binary
    default:
      return column_buffer::text;  // DECIMAL, dates, JSON...: their text form
  }
}

sql_value take(column_buffer& c) {
  if (c.is_null) return sql_null{};
  switch (c.kind) {
    case column_buffer::integer: {
      std::int64_t v = 0;
      std::memcpy(&v, c.data.data(), sizeof v);
      return v;
    }
    case column_buffer::real: {
      double v = 0;
      std::memcpy(&v, c.data.data(), sizeof v);
      return v;
    }
    case column_buffer::binary:
      return sql_blob(c.data.begin(), c.data.begin() + static_cast<std::ptrdiff_t>(c.length));
    case column_buffer::text:
      break;
  }
  return std::string(c.data.data(), c.length);
}

// Releases a statement's pending result set when the call ends, however it ends.
struct result_release {
  MYSQL_STMT* stmt;
  ~result_release() { mysql_stmt_free_result(stmt); }
};

}  // namespace

result<std::unique_ptr<mysql_connection>> mysql_connection::open(const mysql_options& o) {
  static std::once_flag library_ready;
  std::call_once(library_ready, [] { mysql_library_init(0, nullptr, nullptr); });
  MYSQL* m = mysql_init(nullptr);
  if (!m) return fail(error_code::internal, "out of memory creating a mysql handle");
  unsigned int connect_s = whole_seconds(o.connect_timeout);
  unsigned int io_s = whole_seconds(o.query_timeout);
  my_bool no = 0;
  ::mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s);
  ::mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_s);
  ::mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_s);
  ::mysql_options(m, MYSQL_OPT_RECONNECT,
                  &no);  // the pool reconnects; silent reconnects hide state
  ::mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  std::string where = o.unix_socket.empty() ? o.host + ":" + std::to_string(o.port) : o.unix_socket;
  const char* socket = o.unix_socket.empty() ? nullptr : o.unix_socket.c_str();
  if (!mysql_real_connect(m, o.host.c_str(), o.user.c_str(), o.password.c_str(), o.database.c_str(),
                          static_cast<unsigned int>(o.port), socket, 0)) {
    // The connector's messages name the user, never the password.
    std::string why = mysql_error(m);
    mysql_close(m);
    return fail(error_code::backend_unavailable,
                "cannot connect to mysql at " + where + ": " + why);
  }
  return std::unique_ptr<mysql_connection>(new mysql_connection(m, where, o.query_timeout));
}

mysql_connection::mysql_connection(MYSQL* handle, std::string where,
                                   std::chrono::milliseconds read_timeout)
    : mysql_(handle),
      where_(std::move(where)),
      read_timeout_(std::chrono::seconds(whole_seconds(read_timeout))) {}

mysql_connection::~mysql_connection() {
  for (auto& [sql, stmt] : cache_) mysql_stmt_close(stmt);
  mysql_close(mysql_);
}

error mysql_connection::failure(unsigned int code, const char* message) {
  std::string why = "mysql error " + std::to_string(code) + ": " + message;
  if (code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) {
    broken_ = true;
    auto took = std::chrono::steady_clock::now() - started_;
    if (code == CR_SERVER_LOST && took >= read_timeout_ - std::chrono::milliseconds(100)) {
      return fail(error_code::timeout, "mysql at " + where_ + " did not answer in time");
    }
    lost_ = true;
    return fail(error_code::backend_unavailable, "mysql connection to " + where_ + " lost: " + why);
  }
  switch (code) {
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return fail(error_code::conflict, why);
    case 1205:  // ER_LOCK_WAIT_TIMEOUT (the statement was rolled back)
      return fail_retry_safe(error_code::timeout, why);
    case 1969:  // ER_STATEMENT_TIMEOUT (max_statement_time)
      return fail(error_code::timeout, why);
    case 1213:  // ER_LOCK_DEADLOCK (the transaction was rolled back)
    case 1290:  // ER_OPTION_PREVENTS_STATEMENT (--read-only)
    case 1792:  // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    case 1836:  // ER_READ_ONLY_MODE
      return fail_retry_safe(error_code::backend_unavailable, why);
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      broken_ = lost_ = true;
      return fail(error_code::backend_unavailable, why);
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1300:  // ER_INVALID_CHARACTER_STRING
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (e.g. invalid UTF-8)
    case 1406:  // ER_DATA_TOO_LONG
    case 1048:  // ER_BAD_NULL_ERROR
    case 1452:  // ER_NO_REFERENCED_ROW_2 (foreign key)
    case 3140:  // ER_INVALID_JSON_TEXT
    case 4025:  // ER_CONSTRAINT_FAILED (CHECK)
      return fail(error_code::bad_request, why);
    default:
      return fail(error_code::internal, why);  // bad SQL and the unexpected: a bug to look at
  }
}

void mysql_connection::forget(MYSQL_STMT* stmt) {
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->second == stmt) {
      cache_.erase(it);
      break;
    }
  }
  mysql_stmt_close(stmt);
}

result<MYSQL_STMT*> mysql_connection::prepare(std::string_view sql,
                                              std::vector<sql_value>& params) {
  if (broken_) return fail(error_code::internal, "statement on a broken mysql connection");
  started_ = std::chrono::steady_clock::now();
  std::string key(sql);
  MYSQL_STMT* stmt = nullptr;
  if (auto it = cache_.find(key); it != cache_.end()) {
    stmt = it->second;
  } else {
    stmt = mysql_stmt_init(mysql_);
    if (!stmt) return failure(mysql_errno(mysql_), mysql_error(mysql_));
    if (mysql_stmt_prepare(stmt, key.data(), key.size()) != 0) {
      auto e = failure(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
      mysql_stmt_close(stmt);
      return e;
    }
    if (cache_.size() >= max_cached_statements) {
      for (auto& [text, old] : cache_) mysql_stmt_close(old);
      cache_.clear();
    }
    cache_.emplace(std::move(key), stmt);
  }
  auto expected = mysql_stmt_param_count(stmt);
  if (expected != params.size()) {
    return fail(error_code::bad_request, "mysql: statement takes " + std::to_string(expected) +
                                             " parameters, got " + std::to_string(params.size()));
  }
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<unsigned long> lengths(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    auto& b = binds[i];
    std::memset(&b, 0, sizeof b);
    auto& p = params[i];
    if (std::holds_alternative<sql_null>(p)) {
      b.buffer_type = MYSQL_TYPE_NULL;
    } else if (auto* n = std::get_if<std::int64_t>(&p)) {
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = n;
    } else if (auto* d = std::get_if<double>(&p)) {
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      b.buffer = d;
    } else if (auto* s = std::get_if<std::string>(&p)) {
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = s->data();
      lengths[i] = s->size();
    } else if (auto* blob = std::get_if<sql_blob>(&p)) {
      b.buffer_type = MYSQL_TYPE_BLOB;
      b.buffer = blob->data();
      lengths[i] = blob->size();
    }
    b.buffer_length = lengths[i];
    b.length = &lengths[i];
  }
  // The connector copies lengths and pointers at execute time; params outlive the execute.
  if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0) {
    return failure(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
  }
  if (mysql_stmt_execute(stmt) != 0) {
    auto e = failure(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
    if (!broken_) forget(stmt);  // re-prepare next time rather than trust a failed handle
    return e;
  }
  return stmt;
}

result<sql_rows> mysql_connection::query(std::string_view sql, std::vector<sql_value> params) {
  auto executed = prepare(sql, params);
  if (!executed) return executed.error();
  MYSQL_STMT* stmt = *executed;
  result_release release{stmt};
  sql_rows rows;
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
  if (!meta) return rows;  // a statement without a result set
  unsigned int count = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  std::vector<column_buffer> columns(count);
  std::vector<MYSQL_BIND> binds(count);
  for (unsigned int i = 0; i < count; ++i) {
    rows.columns.emplace_back(fields[i].name, fields[i].name_length);
    auto& c = columns[i];
    auto& b = binds[i];
    std::memset(&b, 0, sizeof b);
    c.kind = kind_of(fields[i]);
    c.data.resize(c.kind == column_buffer::integer || c.kind == column_buffer::real
                      ? 8
                      : initial_text_buffer);
    b.buffer_type = c.kind == column_buffer::integer  ? MYSQL_TYPE_LONGLONG
                    : c.kind == column_buffer::real   ? MYSQL_TYPE_DOUBLE
                    : c.kind == column_buffer::binary ? MYSQL_TYPE_BLOB
                                                      : MYSQL_TYPE_STRING;
    b.buffer = c.data.data();
    b.buffer_length = c.data.size();
    b.length = &c.length;
    b.is_null = &c.is_null;
    b.error = &c.error;
  }
  mysql_free_result(meta);
  if (mysql_stmt_bind_result(stmt, binds.data()) != 0) {
    return failure(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
  }
  while (true) {
    int rc = mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) return failure(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
    std::vector<sql_value> row;
    row.reserve(count);
    for (unsigned int i = 0; i < count; ++i) {
      auto& c = columns[i];
      if (!c.is_null && c.length > binds[i].buffer_length) {
        // Longer than the bound buffer: fetch this column again into a buffer that fits.
        std::vector<char> full(c.length);
        MYSQL_BIND again = binds[i];
        again.buffer = full.data();
        again.buffer_length = full.size();
        if (mysql_stmt_fetch_column(stmt, &again, i, 0) != 0) {
          return failure(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        }
        std::swap(c.data, full);
        row.push_back(take(c));
        std::swap(c.data, full);
      } else {
        row.push_back(take(c));
      }
    }
    rows.values.push_back(std::move(row));
  }
  return rows;
}

result<exec_result> mysql_connection::exec(std::string_view sql, std::vector<sql_value> params) {
  auto executed = prepare(sql, params);
  if (!executed) return executed.error();
  MYSQL_STMT* stmt = *executed;
  result_release release{stmt};
  exec_result out;
  auto affected = mysql_stmt_affected_rows(stmt);
  out.affected = affected == static_cast<my_ulonglong>(-1) ? 0 : affected;
  out.last_insert_id = static_cast<std::int64_t>(mysql_stmt_insert_id(stmt));
  return out;
}

result<void> mysql_connection::begin() {
  started_ = std::chrono::steady_clock::now();
  static constexpr char sql[] = "START TRANSACTION";
  if (mysql_real_query(mysql_, sql, sizeof sql - 1) != 0) {
    return failure(mysql_errno(mysql_), mysql_error(mysql_));
  }
  return {};
}

result<void> mysql_connection::commit() {
  started_ = std::chrono::steady_clock::now();
  if (mysql_commit(mysql_) != 0) return failure(mysql_errno(mysql_), mysql_error(mysql_));
  return {};
}

result<void> mysql_connection::rollback() {
  started_ = std::chrono::steady_clock::now();
  if (mysql_rollback(mysql_) != 0) return failure(mysql_errno(mysql_), mysql_error(mysql_));
  return {};
}

}  // namespace stratus::backend
