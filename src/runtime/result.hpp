#pragma once
#include <cassert>
#include <string>
#include <utility>
#include <variant>

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
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}   // NOLINT: implicit by design
  result(call_error e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT

  /// True when the call produced a value.
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }

  /// The error; only when !ok().
  const call_error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, call_error> v_;
};

/// The value of a call whose message has no response content.
struct done {};

}  // namespace stratus::runtime
