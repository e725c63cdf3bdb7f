#pragma once
// Either a value or an error, the one result type of every layer (a stand-in for C++23's
// std::expected): runtime::result (calls), codec::result (decoding), sproto::result,
// backend::result (cache and database), gate::reply (handlers), app::account_result. Each
// layer names its error type; the interface is the same everywhere:
//
//     backend::result<std::string> r = co_await ...;
//     if (!r) log::warn("{}", r.error().message);
//     else use(*r);

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

namespace stratus {

template <class T, class E>
class [[nodiscard]] expected {
 public:
  /// Success.
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  /// Failure.
  expected(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  /// True when a value is held.
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; only when ok().
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The error; only when !ok().
  E& error() & {
    assert(!ok());
    return std::get<1>(v_);
  }
  const E& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, E> v_;
};

/// Success with nothing to carry, or an error.
template <class E>
class [[nodiscard]] expected<void, E> {
 public:
  /// Success.
  expected() = default;
  /// Failure.
  expected(E error) : e_(std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  /// The error; only when !ok().
  E& error() & {
    assert(!ok());
    return *e_;
  }
  const E& error() const& {
    assert(!ok());
    return *e_;
  }
  E&& error() && {
    assert(!ok());
    return std::move(*e_);
  }

 private:
  std::optional<E> e_;
};

}  // namespace stratus
