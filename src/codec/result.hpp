#pragma once
// The result of decoding: a value, or the reason it could not be produced.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "codec/error_code.hpp"

namespace stratus::codec {

/// Why a packet could not be decoded; carries what the error reply needs.
struct decode_error {
  error_code code = error_code::invalid_message;  ///< the code for the error reply
  std::string reason;                             ///< for the log and the reply; no secrets
  std::optional<std::int32_t> session;            ///< the request's session, when readable
};

/// Either a T or the decode_error that prevented it; never throws on the failure path.
template <class T>
class result {
 public:
  /// A successful result.
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  /// A failed result.
  result(decode_error error) : state_(std::in_place_index<1>, std::move(error)) {}

  /// True when a value is held.
  bool ok() const noexcept { return state_.index() == 0; }
  /// Same as ok().
  explicit operator bool() const noexcept { return ok(); }

  /// The value; only valid when ok().
  T& value() & { return std::get<0>(state_); }
  /// The value; only valid when ok().
  const T& value() const& { return std::get<0>(state_); }
  /// The value, moved out; only valid when ok().
  T&& value() && { return std::get<0>(std::move(state_)); }
  /// Member access to the value; only valid when ok().
  T* operator->() { return &value(); }
  /// Member access to the value; only valid when ok().
  const T* operator->() const { return &value(); }
  /// The value; only valid when ok().
  T& operator*() & { return value(); }

  /// The failure; only valid when !ok().
  const decode_error& error() const& { return std::get<1>(state_); }
  /// The failure, moved out; only valid when !ok().
  decode_error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, decode_error> state_;
};

}  // namespace stratus::codec
