#include "backend/mysql_database.hpp"

namespace stratus::backend {

mysql_database::mysql_database(mysql_options options)
    : pool_(options), monitor_(options.slow_query_threshold, options.on_slow_query) {}

result<sql_rows> mysql_database::query(std::string_view sql, std::vector<sql_value> params) {
  auto start = std::chrono::steady_clock::now();
  auto conn = pool_.acquire();
  if (!conn) {
    monitor_.record(sql, start, false);
    return conn.error();
  }
  return monitored_connection(**conn, monitor_).query(sql, std::move(params));
}

result<exec_result> mysql_database::exec(std::string_view sql, std::vector<sql_value> params) {
  auto start = std::chrono::steady_clock::now();
  auto conn = pool_.acquire();
  if (!conn) {
    monitor_.record(sql, start, false);
    return conn.error();
  }
  return monitored_connection(**conn, monitor_).exec(sql, std::move(params));
}

result<void> mysql_database::transaction(const transaction_body& body) {
  auto conn = pool_.acquire();
  if (!conn) return conn.error();
  mysql_connection& c = **conn;
  if (auto r = c.begin(); !r) return r;
  auto rollback = [&c] {
    if (!c.broken()) (void)c.rollback();
  };
  monitored_connection view(c, monitor_);
  result<void> outcome;
  try {
    outcome = body(view);
  } catch (...) {
    rollback();
    throw;
  }
  if (!outcome) {
    rollback();
    return outcome;
  }
  return c.commit();
}

sql_stats mysql_database::stats() const {
  sql_stats s;
  pool_.fill(s);
  monitor_.fill(s);
  return s;
}

}  // namespace stratus::backend
