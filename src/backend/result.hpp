#pragma once
// Result type shared by every backend client: a value or an error with a code and a reason.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/expected.hpp"

namespace stratus::backend {

/// Why a backend call failed; services map these onto their reply codes.
enum class error_code {
  backend_unavailable,  ///< server down, connection lost, or known down (fail fast)
  timeout,              ///< the server did not answer within the configured time
  bad_request,          ///< bad data or arguments (invalid UTF-8, too long, wrong type/count)
  conflict,             ///< a unique key already holds this value (duplicate row)
  internal,             ///< a bug (bad SQL) or an unexpected library or server state
};

/// Readable name of an error code ("backend_unavailable", ...).
std::string_view to_string(error_code code);

/// A failure: code plus a message that never contains secrets such as passwords.
struct error {
  error_code code;      ///< category the caller branches on
  std::string message;  ///< human-readable reason, safe to log
  /// The statement certainly did not take effect and may be run once more as it is (deadlock,
  /// lock wait timeout, a read-only server refusing it, no connection to send it on).
  bool retry_safe = false;
};

/// Either a value of type T or an error; result<void>: success or an error.
template <typename T>
using result = stratus::expected<T, error>;

/// Builds an error value; `return fail(error_code::timeout, "...")` converts to any result<T>.
inline error fail(error_code code, std::string message) {
  return error{code, std::move(message)};
}

/// fail() for an error after which the statement may be run again (see error::retry_safe).
inline error fail_retry_safe(error_code code, std::string message) {
  return error{code, std::move(message), true};
}

}  // namespace stratus::backend
