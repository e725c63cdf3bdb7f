#include "backend/mysql_database.hpp"

namespace stratus::backend {

/// A leased connection seen through the monitor: every statement is counted and timed.
class mysql_database::monitored final : public sql_connection {
 public:
  monitored(mysql_connection& inner, query_monitor& monitor) : inner_(inner), monitor_(monitor) {}
  result<sql_rows> query(std::string_view sql, std::vector<sql_value> params) override {
    auto start = std::chrono::steady_clock::now();
    auto r = inner_.query(sql, std::move(params));
    monitor_.record(sql, start, r.ok());
    return r;
  }
  result<exec_result> exec(std::string_view sql, std::vector<sql_value> params) override {
    auto start = std::chrono::steady_clock::now();
    auto r = inner_.exec(sql, std::move(params));
    monitor_.record(sql, start, r.ok());
    return r;
  }

 private:
  mysql_connection& inner_;
  query_monitor& monitor_;
};

mysql_database::mysql_database(mysql_options options)
    : pool_(options), monitor_(options.slow_query_threshold, options.on_slow_query) {}

result<sql_rows> mysql_database::query(std::string_view sql, std::vector<sql_value> params) {
  auto start = std::chrono::steady_clock::now();
  auto conn = pool_.acquire();
  if (!conn) {
    monitor_.record(sql, start, false);
    return conn.err();
  }
  return monitored(**conn, monitor_).query(sql, std::move(params));
}

result<exec_result> mysql_database::exec(std::string_view sql, std::vector<sql_value> params) {
  auto start = std::chrono::steady_clock::now();
  auto conn = pool_.acquire();
  if (!conn) {
    monitor_.record(sql, start, false);
    return conn.err();
  }
  return monitored(**conn, monitor_).exec(sql, std::move(params));
}

result<void> mysql_database::transaction(const transaction_body& body) {
  auto conn = pool_.acquire();
  if (!conn) return conn.err();
  mysql_connection& c = **conn;
  if (auto r = c.begin(); !r) return r;
  auto rollback = [&c] {
    if (!c.broken()) (void)c.rollback();
  };
  monitored view(c, monitor_);
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
