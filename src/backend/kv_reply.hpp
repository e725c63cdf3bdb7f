#pragma once
// The reply of one raw key-value command, shaped like a RESP2 reply.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace stratus::backend {

/// A missing value (Redis nil).
struct kv_nil {
  bool operator==(const kv_nil&) const = default;
};

/// A status line such as "OK" or "PONG".
struct kv_status {
  std::string text;  ///< the status text without the leading '+'
  bool operator==(const kv_status&) const = default;
};

/// An error reply from the server, e.g. "WRONGTYPE Operation against a key ...".
struct kv_error {
  std::string text;  ///< the error text without the leading '-'
  bool operator==(const kv_error&) const = default;
};

/// One reply: nil, integer, bulk string (binary-safe), array, status or error.
struct kv_reply {
  /// The alternatives, in RESP2 terms.
  using value_type =
      std::variant<kv_nil, std::int64_t, std::string, std::vector<kv_reply>, kv_status, kv_error>;
  value_type value;  ///< what the server answered

  bool operator==(const kv_reply&) const = default;

  /// True when the reply is nil.
  bool is_nil() const { return std::holds_alternative<kv_nil>(value); }
  /// True when the reply is an error reply.
  bool is_error() const { return std::holds_alternative<kv_error>(value); }
  /// Pointer to the bulk string, or null for another kind.
  const std::string* as_string() const { return std::get_if<std::string>(&value); }
  /// Pointer to the integer, or null for another kind.
  const std::int64_t* as_int() const { return std::get_if<std::int64_t>(&value); }
  /// Pointer to the array, or null for another kind.
  const std::vector<kv_reply>* as_array() const {
    return std::get_if<std::vector<kv_reply>>(&value);
  }
};

/// Short description of a reply for messages and test output, e.g. `int 3`, `error WRONGTYPE`.
std::string describe(const kv_reply& reply);

}  // namespace stratus::backend
