#pragma once
// `.dbproxyd`: the SQL database behind a service; every blocking call runs off-worker.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

#include "backend/sql_database.hpp"
#include "runtime/config.hpp"
#include "runtime/service.hpp"
#include "runtime/work_lane.hpp"
#include "services/db_messages.hpp"

namespace stratus::services {

/// Opens the database the config names (`db = "sqlite"` or `"mysql"`), with the slow query log
/// (`slow_query_ms`, a warn line naming the statement, never its parameters) and applies the
/// migrations in `migrations_dir`. Throws std::runtime_error when the database cannot be opened
/// or a migration fails (start-up failure). An unreachable MySQL fails too: migrations need it.
std::shared_ptr<backend::sql_database> open_database(const runtime::config& cfg,
                                                     const std::filesystem::path& migrations_dir);

/// The migrations folder: config key `migrations_dir` (default `migrations`); a relative folder
/// missing from the working directory is looked for beside the binary's source tree. (run.sh runs
/// from the repository root).
std::filesystem::path migrations_dir_of(const runtime::config& cfg);

/// Serves the database messages of db_messages.hpp on a shared sql_database.
class db_proxy : public runtime::service {
 public:
  /// Wraps `db`; publishes its counters (publish_stats) each second and logs them every
  /// `stats_interval` (0: neither).
  explicit db_proxy(std::shared_ptr<backend::sql_database> db,
                    std::chrono::milliseconds stats_interval = std::chrono::minutes(1));

  /// The message table.
  static void describe(runtime::handlers<db_proxy>& h);
  /// Starts the periodic statistics line.
  void on_start() override;

  /// A statement returning rows.
  runtime::task<db::query::response> on_query(db::query m);
  /// A statement changing data.
  runtime::task<db::exec::response> on_exec(db::exec m);
  /// Several writes in one transaction.
  runtime::task<db::transaction::response> on_transaction(db::transaction m);
  /// Counters (no blocking call).
  db::stats::response on_stats(db::stats m);

 private:
  std::shared_ptr<backend::sql_database> db_;
  runtime::work_lane* lane_ = nullptr;  // the `db` lane, set in on_start
  std::chrono::milliseconds stats_interval_;
};

}  // namespace stratus::services
