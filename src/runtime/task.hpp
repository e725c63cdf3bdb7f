#pragma once
#include <coroutine>
#include <exception>
#include <utility>
#include <variant>

#include "runtime/frame_pool.hpp"

namespace stratus::runtime {

/// A lazily started coroutine returning T; `co_await` it from another coroutine.
/// Handlers and helpers that wait on calls, sleeps or other tasks return task<T>.
template <class T = void>
class [[nodiscard]] task;

namespace detail {

struct final_awaiter {
  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
    return h.promise().continuation;
  }
  void await_resume() const noexcept {}
};

struct promise_base : pooled_frame {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  bool started = false;  // run by start(): a co_await only waits for it
  std::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
};

}  // namespace detail

template <class T>
class [[nodiscard]] task {
 public:
  struct promise_type : detail::promise_base {
    std::variant<std::monostate, T, std::exception_ptr> result;
    task get_return_object() noexcept { return task(handle::from_promise(*this)); }
    template <class U>
    void return_value(U&& v) {
      result.template emplace<1>(std::forward<U>(v));
    }
    void unhandled_exception() noexcept { result.template emplace<2>(std::current_exception()); }
  };
  using handle = std::coroutine_handle<promise_type>;

  task(task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  task& operator=(task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~task() {
    if (h_) h_.destroy();
  }

  /// Runs the task on this thread until it first waits or ends; true when it ended (nothing
  /// waited). A task started and not ended is co_awaited as usual, once, and is not run again;
  /// one that ended gives its result (or throws its exception) from result().
  bool start() {
    h_.promise().started = true;
    h_.resume();
    return h_.done();
  }

  bool await_ready() const noexcept { return h_.promise().started && h_.done(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
    h_.promise().continuation = caller;
    if (h_.promise().started) return std::noop_coroutine();
    return h_;
  }
  T await_resume() { return result(); }
  /// The result of a task that ended.
  T result() {
    auto& r = h_.promise().result;
    if (r.index() == 2) std::rethrow_exception(std::get<2>(r));
    return std::move(std::get<1>(r));
  }

 private:
  explicit task(handle h) noexcept : h_(h) {}
  handle h_;
};

template <>
class [[nodiscard]] task<void> {
 public:
  struct promise_type : detail::promise_base {
    std::exception_ptr error;
    task get_return_object() noexcept { return task(handle::from_promise(*this)); }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
  };
  using handle = std::coroutine_handle<promise_type>;

  task(task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  task& operator=(task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~task() {
    if (h_) h_.destroy();
  }

  /// Runs the task on this thread until it first waits or ends; true when it ended (nothing
  /// waited). A task started and not ended is co_awaited as usual, once, and is not run again;
  /// one that ended gives its result (or throws its exception) from result().
  bool start() {
    h_.promise().started = true;
    h_.resume();
    return h_.done();
  }

  bool await_ready() const noexcept { return h_.promise().started && h_.done(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
    h_.promise().continuation = caller;
    if (h_.promise().started) return std::noop_coroutine();
    return h_;
  }
  void await_resume() { result(); }
  /// Throws the exception a task that ended with one ended with.
  void result() {
    if (h_.promise().error) std::rethrow_exception(h_.promise().error);
  }

 private:
  explicit task(handle h) noexcept : h_(h) {}
  handle h_;
};

}  // namespace stratus::runtime
