#pragma once
// Template definitions of service.hpp; included at its end.
#include <exception>
#include <typeinfo>

namespace stratus::runtime {

template <class M>
call_awaiter<response_of_t<std::remove_cvref_t<M>>> service::call(
    address to, M&& msg, std::chrono::milliseconds timeout) {
  return {*this, to, payload(std::forward<M>(msg)), timeout};
}

template <class M>
call_awaiter<response_of_t<std::remove_cvref_t<M>>> service::call(
    std::string_view to, M&& msg, std::chrono::milliseconds timeout) {
  return {*this, lookup(to), payload(std::forward<M>(msg)), timeout};
}

template <class S, class... A>
address service::launch_service(A&&... args) {
  static_assert(std::is_base_of_v<service, S>);
  return spawn(std::make_unique<S>(std::forward<A>(args)...), detail::table_for<S>(),
               typeid(S).name());
}

template <class F>
void service::enter(F&& fn) {
  detail::resume_scope scope(*this);
  std::forward<F>(fn)();
}

namespace detail {

/// Replies to a call once; if never replied (the service exited, the coroutine was destroyed),
/// the caller gets a dead_service error instead of a hang.
class replier {
 public:
  replier(service& s, address to, std::int32_t session) : s_(s), to_(to), session_(session) {}
  replier(const replier&) = delete;
  ~replier() {
    if (session_ != 0)
      s_.reply_error(to_, session_, call_errc::dead_service, "service exited before replying");
  }
  template <class V>
  void reply(V&& v) {
    if (session_ != 0) s_.reply(to_, std::exchange(session_, 0), payload(std::forward<V>(v)));
  }
  void fail(call_errc code, std::string message) {
    if (session_ != 0) s_.reply_error(to_, std::exchange(session_, 0), code, std::move(message));
  }

 private:
  service& s_;
  address to_;
  std::int32_t session_;
};

template <class V>
root_task run_request(service& s, address from, std::int32_t session, task<V> t,
                      const char* type_name) {
  replier r(s, from, session);
  try {
    if constexpr (std::is_void_v<V>) {
      co_await std::move(t);
      r.reply(done{});
    } else {
      r.reply(co_await std::move(t));
    }
  } catch (const std::exception& e) {
    s.report_exception(type_name, e.what());
    r.fail(call_errc::handler_failed, e.what());
  } catch (...) {
    s.report_exception(type_name, "unknown exception");
    r.fail(call_errc::handler_failed, "unknown exception");
  }
}

template <class S, class M, class R, class F>
void invoke_handler(service& self, envelope& env, const handler_entry& entry) {
  F fn;
  std::memcpy(&fn, entry.fn, sizeof(F));
  S& svc = static_cast<S&>(self);
  M& msg = env.body.get<M>();
  if constexpr (task_value<R>::is_task) {
    using V = typename task_value<R>::type;
    self.adopt(
        run_request<V>(self, env.source, env.session, (svc.*fn)(std::move(msg)), typeid(M).name()));
  } else if constexpr (std::is_void_v<R>) {
    (svc.*fn)(std::move(msg));
    if (env.session != 0) self.reply(env.source, env.session, payload(done{}));
  } else {
    R r = (svc.*fn)(std::move(msg));
    if (env.session != 0) self.reply(env.source, env.session, payload(std::move(r)));
  }
}

}  // namespace detail
}  // namespace stratus::runtime
