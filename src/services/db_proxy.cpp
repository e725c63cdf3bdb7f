#include "services/db_proxy.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "backend/migrations.hpp"
#include "backend/mysql_database.hpp"
#include "backend/sqlite_database.hpp"
#include "runtime/log.hpp"
#include "runtime/install_paths.hpp"
#include "services/blocking.hpp"
#include "services/stats_loop.hpp"

namespace stratus::services {

namespace {
using runtime::task;

// The statement text only: parameters may hold passwords or hashes.
void log_slow_query(std::string_view sql, std::chrono::microseconds took) {
  constexpr std::size_t max_shown = 200;
  std::string_view shown = sql.substr(0, max_shown);
  runtime::log::warn("slow query ({} ms): {}{}", took.count() / 1000, shown,
                     sql.size() > max_shown ? "..." : "");
}

std::shared_ptr<backend::sql_database> open_engine(const runtime::config& cfg) {
  const std::string& kind = cfg.get_string("db");
  auto timeout = std::chrono::milliseconds(cfg.get_int("db_timeout_ms"));
  auto slow = std::chrono::milliseconds(cfg.get_int("slow_query_ms"));
  if (kind == "sqlite") {
    backend::sqlite_options o;
    o.path = cfg.get_string("sqlite_path");
    o.query_timeout = timeout;
    o.slow_query_threshold = slow;
    o.on_slow_query = log_slow_query;
    auto db = backend::sqlite_database::open(std::move(o));
    if (!db) throw std::runtime_error("db: cannot open sqlite: " + db.error().message);
    return std::shared_ptr<backend::sql_database>(std::move(*db));
  }
  if (kind != "mysql") throw std::runtime_error("db: unknown backend \"" + kind + "\"");
  backend::mysql_options o;
  o.host = cfg.get_string("mysql_host");
  o.port = static_cast<int>(cfg.get_int("mysql_port"));
  o.user = cfg.get_string("mysql_user");
  o.password = cfg.get_string("mysql_password");
  o.database = cfg.get_string("mysql_database");
  if (o.host.empty() || o.user.empty() || o.database.empty()) {
    throw std::runtime_error("db = \"mysql\" needs mysql_host, mysql_user and mysql_database");
  }
  o.pool_size = static_cast<std::size_t>(cfg.get_int("mysql_pool"));
  o.query_timeout = timeout;
  o.slow_query_threshold = slow;
  o.on_slow_query = log_slow_query;
  auto db = std::make_shared<backend::mysql_database>(std::move(o));
  if (auto up = db->warm_up(); !up) {
    throw std::runtime_error("db: mysql not reachable: " + up.error().message);
  }
  return db;
}
}  // namespace

std::filesystem::path migrations_dir_of(const runtime::config& cfg) {
  std::filesystem::path dir = "migrations";
  if (const auto* v = cfg.find("migrations_dir")) {
    if (const auto* s = std::get_if<std::string>(v)) dir = *s;
  }
  std::error_code ec;
  for (const auto& candidate : runtime::install_candidates(dir)) {
    if (std::filesystem::is_directory(candidate, ec)) return candidate;
  }
  return dir;  // start-up then fails naming this folder
}

std::shared_ptr<backend::sql_database> open_database(const runtime::config& cfg,
                                                     const std::filesystem::path& migrations_dir) {
  auto db = open_engine(cfg);
  auto applied = backend::apply_migrations(*db, migrations_dir);
  if (!applied) {
    throw std::runtime_error("db: migrations in " + migrations_dir.string() +
                             " failed: " + applied.error().message);
  }
  for (auto v : *applied) runtime::log::info("db: applied migration {}", v);
  return db;
}

db_proxy::db_proxy(std::shared_ptr<backend::sql_database> db,
                   std::chrono::milliseconds stats_interval)
    : db_(std::move(db)), stats_interval_(stats_interval) {}

void db_proxy::describe(runtime::handlers<db_proxy>& h) {
  h.on(&db_proxy::on_query);
  h.on(&db_proxy::on_exec);
  h.on(&db_proxy::on_transaction);
  h.on(&db_proxy::on_stats);
}

void db_proxy::on_start() {
  lane_ = &backend_lane(*this, "db", db_->stats().pool_size);
  if (stats_interval_.count() > 0) {
    fork(services::stats_loop(*this, stats_interval_, "db", [db = db_] {
      backend::sql_stats s = db->stats();
      return fmt::format("pool {} up {} ok {} failed {} slow {} reconnects {}", s.pool_size,
                         s.connections_up, s.queries_ok, s.queries_failed, s.slow_queries,
                         s.reconnects);
    }));
  }
}

task<db::query::response> db_proxy::on_query(db::query m) {
  runtime::log::debug("db: {}", m.sql);  // the statement, never its parameters
  return blocking<db::query::response>(*this, [d = db_, msg = std::move(m)]() mutable {
    return d->query(msg.sql, std::move(msg.params));
  }, lane_);
}

task<db::exec::response> db_proxy::on_exec(db::exec m) {
  runtime::log::debug("db: {}", m.sql);
  return blocking<db::exec::response>(*this, [d = db_, msg = std::move(m)]() mutable {
    return d->exec(msg.sql, std::move(msg.params));
  }, lane_);
}

task<db::transaction::response> db_proxy::on_transaction(db::transaction m) {
  runtime::log::debug("db: a transaction of {} statements", m.statements.size());
  return blocking<db::transaction::response>(
      *this, [d = db_, msg = std::move(m)]() -> db::transaction::response {
        std::vector<backend::exec_result> out;
        auto r = d->transaction([&](backend::sql_connection& c) -> backend::result<void> {
          out.clear();
          for (auto& st : msg.statements) {
            auto e = c.exec(st.sql, st.params);
            if (!e) return e.error();
            out.push_back(*e);
          }
          return {};
        });
        if (!r) return r.error();
        return out;
      }, lane_);
}

db::stats::response db_proxy::on_stats(db::stats) {
  return db_->stats();
}

}  // namespace stratus::services
