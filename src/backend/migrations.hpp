#pragma once
// Applies numbered SQL files to a database, each once, in order.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "backend/result.hpp"
#include "backend/sql_database.hpp"

namespace stratus::backend {

/// One migration file found in a directory.
struct migration_file {
  std::int64_t version;        ///< the leading number, e.g. 1 for 0001_accounts.sql
  std::filesystem::path path;  ///< where the file is
};

/// The files in `dir` that apply to `engine`, sorted by version. Naming rule:
/// `NNNN_name.sql` applies to every engine; `NNNN_name.<engine>.sql` (engine `sqlite` or
/// `mysql`) only to that engine. Fails with `bad_request` on a `.sql` file that breaks the rule
/// or on two files with the same version for one engine.
result<std::vector<migration_file>> list_migrations(const std::filesystem::path& dir,
                                                    std::string_view engine);

/// Splits a script into statements at `;` outside quotes and comments; comments are dropped.
std::vector<std::string> split_sql_statements(std::string_view script);

/// Applies the pending migrations in `dir` to `db`, oldest first, recording each in
/// `schema_migrations(version, applied_at)`. Each file runs in one transaction together with
/// its record; on MySQL, DDL commits implicitly, so a failed DDL file may be half applied.
/// Returns the versions applied now (empty when already up to date). Stops at the first failure.
result<std::vector<std::int64_t>> apply_migrations(sql_database& db,
                                                   const std::filesystem::path& dir);

}  // namespace stratus::backend
