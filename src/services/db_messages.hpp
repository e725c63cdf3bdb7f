#pragma once
// Typed messages of `.dbproxyd`: parameterised statements only (`?` placeholders).

#include <string>
#include <vector>

#include "backend/result.hpp"
#include "backend/sql_database.hpp"
#include "backend/sql_value.hpp"

namespace stratus::services::db {

/// A statement that returns rows.
struct query {
  std::string sql;                         ///< SQL text with `?` placeholders, never data
  std::vector<backend::sql_value> params;  ///< values bound to the placeholders
  using response = backend::result<backend::sql_rows>;
};

/// A statement that changes data or schema.
struct exec {
  std::string sql;                         ///< SQL text with `?` placeholders, never data
  std::vector<backend::sql_value> params;  ///< values bound to the placeholders
  using response = backend::result<backend::exec_result>;
};

/// One statement of a transaction.
struct statement {
  std::string sql;                         ///< SQL text with `?` placeholders
  std::vector<backend::sql_value> params;  ///< bound values
};

/// Several writes in one transaction: all commit, or none when one fails.
struct transaction {
  std::vector<statement> statements;  ///< run in order on one connection
  using response = backend::result<std::vector<backend::exec_result>>;
};

/// The database's pool state and error counters.
struct stats {
  using response = backend::sql_stats;
};

}  // namespace stratus::services::db
