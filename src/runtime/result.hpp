#pragma once
#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "common/expected.hpp"

namespace stratus::runtime {

/// Why a call did not produce a response.
enum class call_errc {
  timeout,          ///< no response within the call's timeout
  dead_service,     ///< the callee exited before answering, or had exited already
  no_such_service,  ///< the name or address names no live service
  handler_failed,   ///< the callee's handler threw
  no_handler,       ///< the callee has no handler for the message type
  stopped,          ///< the node is shutting down
  overloaded,       ///< the work was refused (its queue was full) or dropped (waited too long)
  node_down,        ///< the callee's node is down or unreachable (cluster; never a handler error)
};

/// Short stable name of an error code ("timeout", "dead_service", ...).
const char* to_string(call_errc code) noexcept;

/// A failed call: the code and a sentence for logs.
struct call_error {
  call_errc code;
  std::string message;
};

/// Either a T or a call_error; what every `call` returns.
template <class T>
using result = stratus::expected<T, call_error>;

/// The value of a call whose message has no response content.
struct done {};

}  // namespace stratus::runtime
