#pragma once
// Typed messages of `.dbproxyd`: parameterised statements only (`?` placeholders).

#include <string>
#include <utility>
#include <vector>

#include "backend/result.hpp"
#include "backend/sql_database.hpp"
#include "backend/sql_value.hpp"

namespace stratus::services::db {

/// The values bound to a statement's `?` placeholders, in order: `db::params(name, 42)`. Use it
/// in place of a braced list inside a co_await (`call<db::query>(".dbproxyd", sql,
/// db::params(name))`): GCC 12 cannot keep a braced list's array in a coroutine frame.
template <class... V>
std::vector<backend::sql_value> params(V&&... values) {
  std::vector<backend::sql_value> out;
  out.reserve(sizeof...(V));
  (out.emplace_back(std::forward<V>(values)), ...);
  return out;
}

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
