#pragma once
#include <coroutine>
#include <exception>

#include "runtime/frame_pool.hpp"

namespace stratus::runtime::detail {

/// Intrusive list hook; a root coroutine links itself into its service's list while alive.
struct root_hook {
  root_hook* prev = nullptr;
  root_hook* next = nullptr;
  void unlink() noexcept {
    if (prev) {
      prev->next = next;
      next->prev = prev;
      prev = next = nullptr;
    }
  }
};

/// A detached coroutine owned by a service (a request being handled, a fork). It starts when
/// the service adopts it and frees itself when done; an exiting service destroys the ones left.
class root_task {
 public:
  struct promise_type : root_hook, pooled_frame {
    std::coroutine_handle<> self() noexcept {
      return std::coroutine_handle<promise_type>::from_promise(*this);
    }
    root_task get_return_object() noexcept { return root_task(this); }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept;  // logs; root bodies catch what they expect
    ~promise_type() { unlink(); }
  };
  explicit root_task(promise_type* p) noexcept : p_(p) {}
  promise_type* promise() const noexcept { return p_; }

 private:
  promise_type* p_;
};

/// Recovers the coroutine handle of a root from its list hook.
inline std::coroutine_handle<> handle_of(root_hook* h) noexcept {
  return static_cast<root_task::promise_type*>(h)->self();
}

}  // namespace stratus::runtime::detail
