#pragma once
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "runtime/service.hpp"
#include "runtime/task.hpp"

namespace stratus::runtime {

/// The node's pool of threads for blocking work (database drivers, password hashing).
boost::asio::thread_pool& blocking_pool(service& self);

namespace detail {

template <class T>
class offload_awaiter {
  using stored = std::conditional_t<std::is_void_v<T>, done, T>;
  struct state {
    std::optional<stored> value;
    std::exception_ptr error;
    bool alive = true;  // touched only on the service's thread
    std::coroutine_handle<> waiter;
  };

 public:
  offload_awaiter(service& self, std::function<T()> fn)
      : self_(self), fn_(std::move(fn)), st_(std::make_shared<state>()) {}
  offload_awaiter(const offload_awaiter&) = delete;
  ~offload_awaiter() { st_->alive = false; }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    st_->waiter = h;
    boost::asio::post(blocking_pool(self_), [st = st_, fn = std::move(fn_), svc = &self_,
                                             ioc = &self_.io_context()]() mutable {
      try {
        if constexpr (std::is_void_v<T>) {
          fn();
          st->value.emplace();
        } else {
          st->value.emplace(fn());
        }
      } catch (...) {
        st->error = std::current_exception();
      }
      // Back to the service's own thread; skip if the waiting coroutine is gone.
      boost::asio::post(*ioc, [st, svc] {
        if (st->alive) svc->resume(st->waiter);
      });
    });
  }
  T await_resume() {
    if (st_->error) std::rethrow_exception(st_->error);
    if constexpr (!std::is_void_v<T>) return std::move(*st_->value);
  }

 private:
  service& self_;
  std::function<T()> fn_;
  std::shared_ptr<state> st_;
};

}  // namespace detail

/// Runs `fn` on the blocking pool and resumes the calling coroutine on the service's thread
/// with its result (or its exception). Worker threads never block on it:
///     auto rows = co_await offload(*this, [&] { return db.query(sql, params); });
template <class F, class T = std::invoke_result_t<F>>
task<T> offload(service& self, F fn) {
  co_return co_await detail::offload_awaiter<T>(self, std::function<T()>(std::move(fn)));
}

}  // namespace stratus::runtime
