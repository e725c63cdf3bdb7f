#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/cell.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/log.hpp"
#include "runtime/result.hpp"
#include "runtime/root_task.hpp"
#include "runtime/task.hpp"
#include "runtime/timer_wheel.hpp"

namespace stratus::runtime {

class config;
class node;
template <class R>
class call_awaiter;
class sleep_awaiter;
class work_lane;
struct work_lane_options;

namespace detail {
class node_core;

/// Marks the calling thread as running service `s` (log lines, nested calls). When the
/// outermost scope closes and the service asked to exit, it exits there.
class resume_scope {
 public:
  explicit resume_scope(service& s, bool retire_on_exit = true);
  ~resume_scope();
  resume_scope(const resume_scope&) = delete;
  resume_scope& operator=(const resume_scope&) = delete;
  /// The service the calling thread runs now, or nullptr.
  static service* current() noexcept;

 private:
  service& s_;
  log::service_scope log_;
  service* previous_;
  bool retire_on_exit_;
};

/// A call waiting for its response; lives in the awaiting coroutine's frame.
struct pending_call : timer_node {
  service* owner = nullptr;
  std::int32_t session = 0;
  bool in_flight = false;
  std::coroutine_handle<> waiter;
  std::uint64_t request = 0;  // the caller's request, current again when it resumes
  envelope reply;
};
}  // namespace detail

/// Base class of every service. A service handles one message at a time on its own worker
/// thread; handlers may be coroutines that `co_await call(...)`, during which the service keeps
/// serving other messages, as skynet does.
///
///     struct add { int a, b; using response = int; };
///     class calculator : public runtime::service {
///      public:
///       static void describe(runtime::handlers<calculator>& h) { h.on(&calculator::on_add); }
///       int on_add(add m) { return m.a + m.b; }
///     };
///     // elsewhere, in a coroutine of another service:
///     runtime::result<int> r = co_await call(calc, add{1, 2});
class service {
 public:
  service() = default;
  virtual ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  /// Runs once on the service's thread before any message; may fork() coroutines.
  virtual void on_start() {}
  /// Runs once when the service exits (exit(), kill, node shutdown).
  virtual void on_stop() {}

  /// This service's address.
  address self() const noexcept { return cell_->addr(); }
  /// Its registered name, or its type name.
  const std::string& name() const noexcept { return cell_->name(); }

  /// Sends a one-way message; false when no live service is at `to` (the message is dropped).
  template <class M>
  bool send(address to, M&& msg) {
    return post(to, 0, message_kind::send, payload(std::forward<M>(msg)));
  }
  /// Sends a one-way message to a named service (".cacheproxyd").
  template <class M>
  bool send(std::string_view to, M&& msg) {
    return send(lookup(to), std::forward<M>(msg));
  }
  /// Sends a request and suspends the calling coroutine until the response, an error, or the
  /// timeout (0 = the node's call_timeout). `co_await` it; it yields result<M::response>.
  template <class M>
  call_awaiter<response_of_t<std::remove_cvref_t<M>>> call(
      address to, M&& msg, std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
  /// call() to a named service.
  template <class M>
  call_awaiter<response_of_t<std::remove_cvref_t<M>>> call(
      std::string_view to, M&& msg,
      std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
  /// call() with the message M built here from `args` (`M{args...}`), within the node's call
  /// timeout: `co_await call<cache::get>(".cacheproxyd", key)`. Prefer it to
  /// `co_await call(to, cache::get{key})`, which GCC 12 miscompiles: it destroys an aggregate
  /// or a lambda made inside a co_await expression twice (clang and later GCCs do not).
  template <class M, class... A>
    requires(!(sizeof...(A) == 1 && (std::is_same_v<std::remove_cvref_t<A>, M> && ...)))
  call_awaiter<response_of_t<M>> call(std::string_view to, A&&... args) {
    return call(to, M{std::forward<A>(args)...});
  }
  template <class M, class... A>
    requires(!(sizeof...(A) == 1 && (std::is_same_v<std::remove_cvref_t<A>, M> && ...)))
  call_awaiter<response_of_t<M>> call(address to, A&&... args) {
    return call(to, M{std::forward<A>(args)...});
  }

  /// Starts a coroutine inside this service (skynet.fork); it dies with the service.
  void fork(task<void> t);
  /// Suspends the calling coroutine for `d` (resolution 5 ms); `co_await sleep(100ms)`.
  sleep_awaiter sleep(std::chrono::milliseconds d);
  /// Runs `fn` on this service after `d` (skynet.timeout); dropped if the service exits first.
  /// An exception from `fn` is logged once with the service's name.
  void timeout(std::chrono::milliseconds d, std::function<void()> fn);
  /// Exits after the current handler: queued and in-progress callers get dead_service errors.
  void exit() noexcept { exiting_ = true; }
  /// True once exit() was called.
  bool exiting() const noexcept { return exiting_; }

  /// Shows `note` (this service's own figures: pool state, error counts) next to its counters
  /// in node::stats() and the SIGUSR1 report; replaces the previous note.
  void publish_stats(std::string note);

  /// Binds a unique name (".cacheproxyd"); false if another live service holds it.
  bool register_name(std::string name);
  /// The address bound to `name`, or no_address.
  address lookup(std::string_view name) const;
  /// Launches a service object built here from `args` (skynet.newservice, typed).
  template <class S, class... A>
  address launch_service(A&&... args);

  /// The node this service runs in.
  runtime::node& owner() const noexcept;
  /// The node's configuration.
  const runtime::config& config() const;
  /// The io_context of this service's thread: sockets created on it complete on this thread.
  boost::asio::io_context& io_context() const noexcept;
  /// The node's default call timeout.
  std::chrono::milliseconds call_timeout() const noexcept;

  /// Runs `fn` as if it were a handler of this service; for completions of I/O the service
  /// started on its own io_context (sockets, timers), so the log names the service and exit()
  /// takes effect afterwards. Must be called on the service's thread.
  template <class F>
  void enter(F&& fn);

  // ----- used by the runtime and by templates below; not for services -----
  /// Handles one envelope (runtime use).
  void deliver(envelope& env);
  /// Sends a reply to a call (runtime use).
  void reply(address to, std::int32_t session, payload body);
  /// Sends an error reply to a call (runtime use).
  void reply_error(address to, std::int32_t session, call_errc code, std::string message);
  /// Takes ownership of a started root coroutine (runtime use).
  void adopt(detail::root_task root);
  /// Logs a handler's exception once with this service's name (runtime use).
  void report_exception(std::string_view what, std::string_view detail) const;
  /// Resumes a coroutine of this service from outside a handler (runtime use), with `request`
  /// (the one current when it suspended) current again.
  void resume(std::coroutine_handle<> h, std::uint64_t request);

 private:
  friend class detail::node_core;
  friend class detail::resume_scope;
  friend work_lane& lane_of(service&, const work_lane_options&);
  friend class sleep_awaiter;
  friend class cell;
  template <class R>
  friend class call_awaiter;

  bool post(address to, std::int32_t session, message_kind kind, payload body);
  void answer_probe(envelope& env);
  address spawn(std::unique_ptr<service> svc, const detail::handler_table& table,
                const char* type_name);
  cell_ref target(address to);
  bool begin_call(detail::pending_call& p, address to, payload body,
                  std::chrono::milliseconds timeout);
  void end_call(detail::pending_call& p) noexcept;
  void complete_call(envelope& env);
  /// Tears the service down (runtime use): `leftovers` are messages it will never handle.
  void retire(std::vector<envelope> leftovers);

  cell* cell_ = nullptr;
  detail::node_core* core_ = nullptr;
  const detail::handler_table* table_ = nullptr;
  std::unordered_map<std::int32_t, detail::pending_call*> pending_;
  std::int32_t last_session_ = 0;
  detail::root_hook roots_;  // sentinel of the list of live root coroutines
  bool exiting_ = false;
  unsigned cache_next_ = 0;
  static constexpr unsigned cache_size = 4;
  std::pair<address, cell_ref> cache_[cache_size];  // recently used destinations
};

/// Awaits the response of one call; see service::call.
template <class R>
class [[nodiscard]] call_awaiter {
 public:
  call_awaiter(service& owner, address to, payload body, std::chrono::milliseconds timeout)
      : owner_(owner), to_(to), body_(std::move(body)), timeout_(timeout) {}
  call_awaiter(const call_awaiter&) = delete;
  ~call_awaiter() { owner_.end_call(pending_); }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    pending_.waiter = h;
    return owner_.begin_call(pending_, to_, std::move(body_), timeout_);
  }
  result<R> await_resume() {
    envelope& env = pending_.reply;
    if (env.kind == message_kind::error) return std::move(env.body.get<call_error>());
    if (!env.body.holds<R>()) {
      return call_error{call_errc::handler_failed,
                        std::string("response of unexpected type ") + env.body.type_name()};
    }
    return std::move(env.body.get<R>());
  }

 private:
  service& owner_;
  address to_;
  payload body_;
  std::chrono::milliseconds timeout_;
  detail::pending_call pending_;
};

/// Awaits a delay; see service::sleep.
class [[nodiscard]] sleep_awaiter : timer_node {
 public:
  sleep_awaiter(service& owner, std::chrono::milliseconds d) : owner_(owner), delay_(d) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  void await_resume() const noexcept {}

 private:
  service& owner_;
  std::chrono::milliseconds delay_;
  std::coroutine_handle<> waiter_;
  std::uint64_t request_ = 0;
};

}  // namespace stratus::runtime

#include "runtime/service_impl.hpp"
