#pragma once
// Typed sproto handlers: requests decoded by generated code straight from the unpacked packet
// (no sproto::value, no name lookup), replies encoded by generated code into the driver's
// reused buffers. Included by sproto_driver.hpp; see sproto_app::add<P>.
#include <concepts>
#include <coroutine>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gate/sproto_driver.hpp"
#include "runtime/frame_pool.hpp"
#include "sproto/gen/message.hpp"

namespace stratus::gate {

namespace detail {

/// T is P's generated request (or response) in one of its two string flavours.
template <class T, template <class> class Part>
concept sproto_part_of =
    std::same_as<T, Part<std::string>> || std::same_as<T, Part<std::string_view>>;

template <class Req, class Resp>
using sproto_typed_fn = runtime::task<reply<Resp>> (*)(sproto_session&, const Req&);

template <class M>
bool sproto_encode_as(const void* message, sproto::gen::writer& w) {
  return encode_message(*static_cast<const M*>(message), w, 0);
}

// Answers a typed handler's run that has ended.
template <class P, class Resp>
void sproto_answer_typed(sproto_driver& d, runtime::task<reply<Resp>>& run,
                         std::optional<std::int64_t> session, bool has_response) {
  std::optional<reply<Resp>> r;
  try {
    r.emplace(run.result());
  } catch (const std::exception& e) {
    d.report_exception(P::name, e.what());
    r.emplace(handler_error{codec::error_code::internal, "internal error"});
  }
  if (r->ok())
    d.answer(P::name, session, has_response, nullptr, &r->value(), &sproto_encode_as<Resp>);
  else
    d.answer(P::name, session, has_response, &r->error(), nullptr, nullptr);
}

// The request of a typed run, in pooled memory: the handler's task refers to it, and a handler
// that waits outlives the call that decoded it.
template <class Req>
struct pooled_request {
  Req* p;
  explicit pooled_request() : p(new (runtime::detail::frame_allocate(sizeof(Req))) Req()) {}
  pooled_request(pooled_request&& o) noexcept : p(std::exchange(o.p, nullptr)) {}
  pooled_request& operator=(pooled_request&&) = delete;
  ~pooled_request() {
    if (!p) return;
    p->~Req();
    runtime::detail::frame_deallocate(p, sizeof(Req));
  }
};

// Waits for a started task to end, leaving its result (or exception) in it.
template <class T>
struct run_ended {
  runtime::task<T>& run;
  bool await_ready() const noexcept { return run.await_ready(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) noexcept {
    return run.await_suspend(h);
  }
  void await_resume() const noexcept {}
};

// The rest of a typed run that waited: owns its request until the handler has answered.
template <class P, class Req, class Resp>
runtime::task<void> sproto_finish_typed(sproto_driver& d, runtime::task<reply<Resp>> run,
                                        pooled_request<Req> args,
                                        std::optional<std::int64_t> session, bool has_response) {
  run_ended<reply<Resp>> wait{run};
  co_await wait;
  sproto_answer_typed<P, Resp>(d, run, session, has_response);
}

// One typed request: decoded by generated code, then the handler runs here; most answer without
// waiting, and need no coroutine of ours around theirs.
template <class P, class Req, class Resp>
sproto_typed_start sproto_start_typed(void (*fn)(), sproto_driver& d, std::string_view body,
                                      std::optional<std::int64_t> session, bool has_response) {
  pooled_request<Req> args;
  if (!sproto::gen::decode(body, *args.p)) return {};
  auto handler = reinterpret_cast<sproto_typed_fn<Req, Resp>>(fn);
  runtime::task<reply<Resp>> run = handler(d.session(), *args.p);
  if (run.start()) {
    sproto_answer_typed<P, Resp>(d, run, session, has_response);
    return {true, std::nullopt};
  }
  return {true, sproto_finish_typed<P, Req, Resp>(d, std::move(run), std::move(args), session,
                                                  has_response)};
}

}  // namespace detail

template <class P, class Req, class Resp>
sproto_app& sproto_app::add(runtime::task<reply<Resp>> (*fn)(sproto_session&, const Req&)) {
  static_assert(detail::sproto_part_of<Req, P::template request>,
                "the handler's request type is not P's generated request");
  static_assert(detail::sproto_part_of<Resp, P::template response>,
                "the handler's response type is not P's generated response");
  sproto_typed_entry& e = typed_slot(P::tag, P::name, P::has_request, P::has_response, P::confirm);
  e.start = &detail::sproto_start_typed<P, Req, Resp>;
  e.fn = reinterpret_cast<void (*)()>(fn);
  return *this;
}

}  // namespace stratus::gate
