#include "runtime/call_metrics.hpp"
#include "runtime/service.hpp"

#include <stdexcept>

#include "runtime/node.hpp"
#include "runtime/node_core.hpp"
#include "runtime/offload.hpp"
#include "runtime/probe.hpp"

namespace stratus::runtime {

namespace detail {

namespace {
thread_local service* running_service = nullptr;
}

resume_scope::resume_scope(service& s, bool retire_on_exit)
    : s_(s),
      log_(s.self(), &s.name()),
      previous_(running_service),
      retire_on_exit_(retire_on_exit) {
  running_service = &s;
}

resume_scope::~resume_scope() {
  running_service = previous_;
  // Only the outermost scope of this service may tear it down; `s_` is gone afterwards.
  if (retire_on_exit_ && previous_ != &s_ && s_.exiting_ && s_.cell_ && !s_.cell_->closed()) {
    s_.retire({});
  }
}

service* resume_scope::current() noexcept {
  return running_service;
}

void root_task::promise_type::unhandled_exception() noexcept {
  log::error("a coroutine ended with an exception it did not handle");
}

}  // namespace detail

service::~service() = default;

runtime::node& service::owner() const noexcept {
  return core_->owner;
}
const runtime::config& service::config() const {
  return core_->owner.config();
}
boost::asio::io_context& service::io_context() const noexcept {
  return cell_->home().io_context();
}
std::chrono::milliseconds service::call_timeout() const noexcept {
  return core_->opts.call_timeout;
}

bool service::register_name(std::string name) {
  if (!core_->reg.bind(name, self())) return false;
  cell_->set_name(std::move(name));
  return true;
}

address service::lookup(std::string_view name) const {
  return core_->reg.lookup(name);
}

address service::spawn(std::unique_ptr<service> svc, const detail::handler_table& table,
                       const char* type_name) {
  return core_->spawn(std::move(svc), table, demangle(type_name));
}

cell_ref service::target(address to) {
  for (auto& [a, c] : cache_) {
    if (a == to && c) {
      if (!c->closed()) return c;
      c = cell_ref();
      a = no_address;
    }
  }
  cell_ref c = core_->reg.find(to);
  if (c) {
    auto& slot = cache_[cache_next_++ % cache_size];
    slot = {to, c};
  }
  return c;
}

bool service::post(address to, std::int32_t session, message_kind kind, payload body) {
  cell_ref c = target(to);
  if (!c) return false;
  envelope env{self(), session, kind, std::move(body), log::current_request()};
  return c->push(env);
}

void service::reply(address to, std::int32_t session, payload body) {
  post(to, session, message_kind::response, std::move(body));
}

void service::answer_probe(envelope& env) {
  try {
    const probe& p = env.body.get<probe>();
    if (p.inspect) p.inspect(*this);
  } catch (const std::exception& e) {
    report_exception("probe", e.what());
    if (env.session != 0) reply_error(env.source, env.session, call_errc::handler_failed, e.what());
    return;
  }
  if (env.session != 0) reply(env.source, env.session, payload(done{}));
}

void service::reply_error(address to, std::int32_t session, call_errc code, std::string message) {
  post(to, session, message_kind::error, payload(call_error{code, std::move(message)}));
}

bool service::begin_call(detail::pending_call& p, address to, payload body,
                         std::chrono::milliseconds timeout) {
  if (++last_session_ <= 0) last_session_ = 1;
  p.owner = this;
  p.session = last_session_;
  p.request = log::current_request();
  if (to == no_address || !post(to, p.session, message_kind::send, std::move(body))) {
    const bool known = to != no_address;
    p.reply.kind = message_kind::error;
    call_metrics::instance().count_error(known ? call_errc::dead_service
                                               : call_errc::no_such_service);
    p.reply.body = payload(call_error{known ? call_errc::dead_service : call_errc::no_such_service,
                                      known ? "no live service at " + format_address(to)
                                            : std::string("no service by that name")});
    return false;  // resumes at once with the error
  }
  p.in_flight = true;
  pending_.emplace(p.session, &p);
  p.fire = [](timer_node* n) {
    auto* call = static_cast<detail::pending_call*>(n);
    service* s = call->owner;
    s->pending_.erase(call->session);
    call->in_flight = false;
    call->reply.kind = message_kind::error;
    call->reply.body = payload(call_error{call_errc::timeout, "call timed out"});
    call_metrics::instance().count_error(call_errc::timeout);
    s->resume(call->waiter, call->request);
  };
  cell_->home().arm(p, timeout.count() > 0 ? timeout : core_->opts.call_timeout);
  return true;
}

void service::end_call(detail::pending_call& p) noexcept {
  if (p.in_flight) {
    pending_.erase(p.session);
    p.in_flight = false;
  }
  p.unlink();
}

void service::complete_call(envelope& env) {
  auto it = pending_.find(env.session);
  if (it == pending_.end()) {
    log::debug("late or unknown response for session {} from {} dropped", env.session,
               format_address(env.source));
    return;
  }
  detail::pending_call* p = it->second;
  pending_.erase(it);
  p->in_flight = false;
  p->unlink();
  p->reply = std::move(env);
  if (p->reply.kind == message_kind::error && p->reply.body.holds<call_error>())
    call_metrics::instance().count_error(p->reply.body.get<call_error>().code);
  else
    call_metrics::instance().count_ok();
  log::request_scope request(p->request);
  p->waiter.resume();
}

void service::deliver(envelope& env) {
  switch (env.kind) {
    case message_kind::send: {
      log::request_scope request(env.request);
      const detail::handler_entry* h = table_->find(env.body.type());
      if (!h && env.body.holds<probe>()) {
        answer_probe(env);
        return;
      }
      if (!h) {
        log::warn("no handler for message type {} from {}", demangle(env.body.type_name()),
                  format_address(env.source));
        if (env.session != 0)
          reply_error(env.source, env.session, call_errc::no_handler,
                      "no handler for " + demangle(env.body.type_name()));
        return;
      }
      try {
        h->invoke(*this, env, *h);
      } catch (const std::exception& e) {
        report_exception(demangle(env.body.type_name()), e.what());
        if (env.session != 0)
          reply_error(env.source, env.session, call_errc::handler_failed, e.what());
      } catch (...) {
        report_exception(demangle(env.body.type_name()), "unknown exception");
        if (env.session != 0)
          reply_error(env.source, env.session, call_errc::handler_failed, "unknown exception");
      }
      return;
    }
    case message_kind::response:
    case message_kind::error:
      complete_call(env);
      return;
    case message_kind::start:
      try {
        on_start();
      } catch (const std::exception& e) {
        report_exception("on_start", e.what());
        exit();
      }
      return;
    case message_kind::kill:
      exit();
      return;
  }
}

void service::report_exception(std::string_view what, std::string_view detail) const {
  log::error("handler for {} threw: {}", what, detail);
}

void service::adopt(detail::root_task root) {
  auto* p = root.promise();
  p->next = roots_.next ? roots_.next : &roots_;
  if (!roots_.next) roots_.prev = &roots_;
  p->prev = &roots_;
  p->next->prev = p;
  roots_.next = p;
  p->self().resume();
}

namespace {
detail::root_task run_fork(service& s, task<void> t) {
  try {
    co_await std::move(t);
  } catch (const std::exception& e) {
    s.report_exception("a forked coroutine", e.what());
  }
}
}  // namespace

void service::fork(task<void> t) {
  adopt(run_fork(*this, std::move(t)));
}

sleep_awaiter service::sleep(std::chrono::milliseconds d) {
  return {*this, d};
}

namespace {
task<void> run_later(service& s, std::chrono::milliseconds d, std::function<void()> fn) {
  co_await s.sleep(d);
  fn();
}
}  // namespace

void service::timeout(std::chrono::milliseconds d, std::function<void()> fn) {
  fork(run_later(*this, d, std::move(fn)));
}

void service::publish_stats(std::string note) {
  cell_->set_note(std::move(note));
}

void sleep_awaiter::await_suspend(std::coroutine_handle<> h) {
  waiter_ = h;
  request_ = log::current_request();
  fire = [](timer_node* n) {
    auto* self = static_cast<sleep_awaiter*>(n);
    self->owner_.resume(self->waiter_, self->request_);
  };
  owner_.cell_->home().arm(*this, delay_);
}

void service::resume(std::coroutine_handle<> h, std::uint64_t request) {
  detail::resume_scope scope(*this);
  log::request_scope in_request(request);
  h.resume();
}

void service::retire(std::vector<envelope> leftovers) {
  cell_ref keep = cell_ref::share(cell_);
  exiting_ = true;
  {
    detail::resume_scope scope(*this, false);
    try {
      on_stop();
    } catch (const std::exception& e) {
      report_exception("on_stop", e.what());
    }
    std::vector<envelope> queued = cell_->close();
    for (auto* list : {&leftovers, &queued}) {
      for (envelope& e : *list) {
        if (e.kind == message_kind::send && e.session != 0)
          reply_error(e.source, e.session, call_errc::dead_service, "service exited");
      }
    }
    // Destroying the suspended coroutines answers their callers and cancels their calls.
    while (roots_.next && roots_.next != &roots_) detail::handle_of(roots_.next).destroy();
    pending_.clear();
    for (auto& entry : cache_) entry = {};
  }
  const address a = self();
  detail::node_core* core = core_;
  std::unique_ptr<service> me = keep->take_service();  // `this` is deleted with it
  me.reset();
  core->on_retired(a);
}

}  // namespace stratus::runtime

namespace stratus::runtime {
work_lane& lane_of(service& self, const work_lane_options& o) {
  return self.core_->lane(o);
}
}  // namespace stratus::runtime
