#pragma once
// Field holders of generated messages: `maybe<T>` (present or absent, keeping its storage when
// reset so that decoding into a reused message does not reallocate) and `boxed<T>` (the same on
// the heap, for struct fields that contain themselves).

#include <memory>
#include <utility>

namespace stratus::sproto::gen {

/// An optional field value whose storage outlives reset(): strings and vectors keep their
/// capacity, so decoding into the same message again allocates nothing.
template <class T>
class maybe {
 public:
  maybe() = default;
  /// A present value.
  maybe(const T& v) : value_(v), present_(true) {}
  maybe(T&& v) : value_(std::move(v)), present_(true) {}
  /// Assigns and marks present.
  template <class U>
  requires std::is_assignable_v<T&, U&&> maybe& operator=(U&& v) {
    value_ = std::forward<U>(v);
    present_ = true;
    return *this;
  }

  /// True when the field is present.
  bool has_value() const { return present_; }
  explicit operator bool() const { return present_; }
  /// The value; only meaningful when present.
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  /// Marks present and returns the storage; it keeps its previous contents (for reuse).
  T& emplace() {
    present_ = true;
    return value_;
  }
  /// Marks absent; the storage is kept.
  void reset() { present_ = false; }

  /// Equal when both are absent, or both present with equal values.
  friend bool operator==(const maybe& a, const maybe& b) {
    return a.present_ == b.present_ && (!a.present_ || a.value_ == b.value_);
  }

 private:
  T value_{};
  bool present_ = false;
};

/// Like maybe<T>, with T on the heap: for a struct field whose type contains the struct itself.
template <class T>
class boxed {
 public:
  boxed() = default;
  boxed(const boxed& o) : present_(o.present_) {
    if (o.value_) value_ = std::make_unique<T>(*o.value_);
  }
  boxed(boxed&&) noexcept = default;
  boxed& operator=(const boxed& o) {
    if (this != &o) *this = boxed(o);
    return *this;
  }
  boxed& operator=(boxed&&) noexcept = default;
  /// Assigns a value and marks present.
  boxed& operator=(T v) {
    emplace() = std::move(v);
    return *this;
  }

  /// True when the field is present.
  bool has_value() const { return present_; }
  explicit operator bool() const { return present_; }
  /// The value; only meaningful when present.
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_.get(); }
  const T* operator->() const { return value_.get(); }
  /// Marks present and returns the storage (allocated on first use, then reused).
  T& emplace() {
    if (!value_) value_ = std::make_unique<T>();
    present_ = true;
    return *value_;
  }
  /// Marks absent; the storage is kept.
  void reset() { present_ = false; }

  /// Equal when both are absent, or both present with equal values.
  friend bool operator==(const boxed& a, const boxed& b) {
    return a.present_ == b.present_ && (!a.present_ || *a.value_ == *b.value_);
  }

 private:
  std::unique_ptr<T> value_;
  bool present_ = false;
};

}  // namespace stratus::sproto::gen
