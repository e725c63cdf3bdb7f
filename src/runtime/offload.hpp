#pragma once
// Blocking work (database drivers, password hashing) run on a work lane while the calling
// coroutine waits without blocking its worker thread.
#include <boost/asio/post.hpp>

#include <atomic>
#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "runtime/result.hpp"
#include "runtime/service.hpp"
#include "runtime/task.hpp"
#include "runtime/work_lane.hpp"

namespace stratus::runtime {

/// The node's lane named `o.name`, created with `o` the first time any service asks for it.
work_lane& lane_of(service& self, const work_lane_options& o);

/// The general lane: 4 threads, 4,096 jobs queued at most. Give each heavy kind of work its
/// own lane (offload_to) so that one cannot starve another.
inline const work_lane_options& general_lane() {
  static const work_lane_options o{"blocking", 4, 4096, {}};
  return o;
}

namespace detail {

template <class T>
class offload_awaiter {
  using stored = std::conditional_t<std::is_void_v<T>, done, T>;
  struct state {
    std::optional<stored> value;
    std::exception_ptr error;
    std::optional<call_error> refused;
    std::atomic<bool> alive{true};  // false once the waiting coroutine is gone
    std::coroutine_handle<> waiter;
  };

 public:
  offload_awaiter(service& self, work_lane& lane, std::function<T()> fn, std::uint64_t share = 0)
      : self_(self), lane_(lane), fn_(std::move(fn)), share_(share),
        st_(std::make_shared<state>()) {}
  offload_awaiter(const offload_awaiter&) = delete;
  ~offload_awaiter() { st_->alive.store(false, std::memory_order_release); }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    st_->waiter = h;
    auto job = [st = st_, fn = std::move(fn_), svc = &self_, ioc = &self_.io_context(),
                lane = &lane_, request = log::current_request()](work_lane::verdict v) mutable {
      // The lane thread's lines (a slow query) belong to the request too.
      log::request_scope in_request(request);
      if (!st->alive.load(std::memory_order_acquire)) {
        // The coroutine that wanted this (a closed connection's agent) is gone: skip the work.
        if (v == work_lane::verdict::run) lane->note_dropped();
        return;
      }
      if (v == work_lane::verdict::expired) {
        st->refused = call_error{call_errc::overloaded,
                                 "waited too long in the " + lane->options().name + " queue"};
      } else {
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
      }
      // Back to the service's own thread; skip if the waiting coroutine is gone.
      boost::asio::post(*ioc, [st, svc, request] {
        if (st->alive.load(std::memory_order_acquire)) svc->resume(st->waiter, request);
      });
    };
    if (lane_.try_post(std::move(job), share_)) return true;
    st_->refused = call_error{call_errc::overloaded, "the " + lane_.options().name + " queue is full"};
    return false;  // resumes at once with the refusal
  }
  /// The job's value, or `overloaded` when the lane refused or dropped it. A job's exception
  /// is rethrown here.
  result<stored> await_resume() {
    if (st_->refused) return std::move(*st_->refused);
    if (st_->error) std::rethrow_exception(st_->error);
    return std::move(*st_->value);
  }

 private:
  service& self_;
  work_lane& lane_;
  std::function<T()> fn_;
  std::uint64_t share_;
  std::shared_ptr<state> st_;
};

}  // namespace detail

/// The value of offload_to: the job's result, `done` for a void job.
template <class T>
using offload_value = std::conditional_t<std::is_void_v<T>, done, T>;

/// Runs `fn` on `lane` (from lane_of) and resumes the calling coroutine on the
/// service's thread with its result, or with call_errc::overloaded when the lane's queue is
/// full or the job waited past the lane's max_wait. Worker threads never block on it:
///     work_lane& hashing = lane_of(*this, {"password", 2, 64, call_timeout()});
///     auto hash = co_await offload_to(*this, hashing, [&] { return hash_of(pw); });
/// A job whose coroutine is gone when its turn comes (the service exited) does not run.
/// `share`: jobs with one key take turns with other keys (work_lane::try_post), e.g. a hash
/// of the account, so that many jobs for one account do not delay everybody else's.
template <class F, class T = std::invoke_result_t<F>>
task<result<offload_value<T>>> offload_to(service& self, work_lane& lane, F fn,
                                          std::uint64_t share = 0) {
  detail::offload_awaiter<T> awaiter(self, lane, std::function<T()>(std::move(fn)), share);
  result<offload_value<T>> r = co_await awaiter;
  co_return r;
}

/// offload_to on the general lane, for light occasional work; the job's value, or
/// std::runtime_error when the general lane is full (rare: 4,096 jobs waiting).
template <class F, class T = std::invoke_result_t<F>>
task<T> offload(service& self, F fn) {
  detail::offload_awaiter<T> awaiter(self, lane_of(self, general_lane()),
                                     std::function<T()>(std::move(fn)));
  auto r = co_await awaiter;
  if (!r) throw std::runtime_error(r.error().message);
  if constexpr (!std::is_void_v<T>) co_return std::move(*r);
}

}  // namespace stratus::runtime
