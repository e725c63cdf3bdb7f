#pragma once
// Result type used at every edge of the sproto library: a value or an error with a reason.

#include <string>
#include <utility>
#include <variant>

#include "common/expected.hpp"

namespace stratus::sproto {

/// What kind of failure an operation reported.
enum class error_kind {
  syntax,          ///< schema text does not follow the grammar
  schema,          ///< schema is well-formed but inconsistent (duplicate tag, unknown type, ...)
  malformed,       ///< wire bytes are truncated or do not fit the declared type
  too_deep,        ///< more than 64 nested structs
  map_key,         ///< a map element lacks its key (or a two-field map entry lacks key/value)
  quirk_rejected,  ///< input the reference accepts by accident; refused here on purpose
  unpack,          ///< invalid 0-packed stream
  bad_value,       ///< a value does not fit the schema when encoding
  unknown_name,    ///< unknown type or protocol name
  rpc,             ///< RPC-level failure (unknown session, unknown protocol tag, ...)
  too_large,       ///< message exceeds a size limit
};

/// An error with a kind and a human-readable reason.
struct error {
  error_kind kind;      ///< category of the failure
  std::string message;  ///< reason, meant for logs and users
};

/// Either a T or an error.
template <class T>
using result = stratus::expected<T, error>;

/// Result of an operation that yields nothing on success.
struct ok_t {};
/// Shorthand for result<ok_t>.
using status = result<ok_t>;

/// Builds an error value.
inline error make_error(error_kind kind, std::string message) {
  return error{kind, std::move(message)};
}

}  // namespace stratus::sproto
