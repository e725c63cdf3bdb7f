#pragma once
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace stratus::runtime {

/// Identity of a message type, without RTTI lookups on the hot path.
using type_id = const void*;

template <class T>
struct type_tag {
  static constexpr char id = 0;
};

/// The type_id of T.
template <class T>
constexpr type_id type_id_of() noexcept {
  return &type_tag<std::remove_cvref_t<T>>::id;
}

/// A move-only box holding one message value of any type; small values live inline.
class payload {
 public:
  static constexpr std::size_t inline_size = 48;

  payload() noexcept = default;
  template <class T, class D = std::remove_cvref_t<T>,
            class = std::enable_if_t<!std::is_same_v<D, payload>>>
  explicit payload(T&& value) {
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void*>(storage_)) D(std::forward<T>(value));
      ops_ = &inline_ops<D>;
    } else {
      D* p = new D(std::forward<T>(value));
      std::memcpy(storage_, &p, sizeof p);
      ops_ = &heap_ops<D>;
    }
  }
  payload(payload&& other) noexcept { take(other); }
  payload& operator=(payload&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  payload(const payload&) = delete;
  payload& operator=(const payload&) = delete;
  ~payload() { reset(); }

  /// True when a value is held.
  bool has_value() const noexcept { return ops_ != nullptr; }
  /// The held value's type, or nullptr.
  type_id type() const noexcept { return ops_ ? ops_->id : nullptr; }
  /// The held value's C++ type name (for error messages).
  const char* type_name() const noexcept { return ops_ ? ops_->name() : "nothing"; }
  /// True when the held value is a T.
  template <class T>
  bool holds() const noexcept {
    return type() == type_id_of<T>();
  }
  /// The held T; only when holds<T>().
  template <class T>
  T& get() noexcept {
    return *static_cast<T*>(ops_->address(storage_));
  }

  void reset() noexcept {
    if (ops_) {
      ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  struct ops {
    type_id id;
    void* (*address)(unsigned char*) noexcept;
    void (*move_to)(unsigned char* from, unsigned char* to) noexcept;
    void (*destroy)(unsigned char*) noexcept;
    const char* (*name)() noexcept;
  };

  template <class D>
  static constexpr bool fits_inline() {
    return sizeof(D) <= inline_size && alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }
  template <class D>
  static constexpr ops inline_ops{
      type_id_of<D>(),
      [](unsigned char* s) noexcept -> void* { return std::launder(reinterpret_cast<D*>(s)); },
      [](unsigned char* from, unsigned char* to) noexcept {
        D* src = std::launder(reinterpret_cast<D*>(from));
        ::new (static_cast<void*>(to)) D(std::move(*src));
        src->~D();
      },
      [](unsigned char* s) noexcept { std::launder(reinterpret_cast<D*>(s))->~D(); },
      []() noexcept { return typeid(D).name(); }};
  template <class D>
  static constexpr ops heap_ops{
      type_id_of<D>(),
      [](unsigned char* s) noexcept -> void* {
        D* p;
        std::memcpy(&p, s, sizeof p);
        return p;
      },
      [](unsigned char* from, unsigned char* to) noexcept { std::memcpy(to, from, sizeof(D*)); },
      [](unsigned char* s) noexcept {
        D* p;
        std::memcpy(&p, s, sizeof p);
        delete p;
      },
      []() noexcept { return typeid(D).name(); }};

  void take(payload& other) noexcept {
    ops_ = other.ops_;
    if (ops_) {
      ops_->move_to(other.storage_, storage_);
      other.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char storage_[inline_size];
  const ops* ops_ = nullptr;
};

}  // namespace stratus::runtime
