#pragma once
// Typed sproto handlers: requests decoded by generated code straight from the unpacked packet
// (no sproto::value, no name lookup), replies encoded by generated code into the driver's
// reused buffers. Included by sproto_driver.hpp; see sproto_app::add<P>.
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gate/sproto_driver.hpp"
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

// One typed request: `args` lives in this frame while the handler runs (its string_views
// point into the driver's unpacked packet, untouched until the run ends).
template <class P, class Req, class Resp>
runtime::task<void> sproto_run_typed(sproto_driver& d, sproto_typed_fn<Req, Resp> fn, Req args,
                                     std::optional<std::int64_t> session, bool has_response) {
  std::optional<reply<Resp>> r;
  try {
    auto pending = fn(d.session(), args);
    r.emplace(co_await std::move(pending));
  } catch (const std::exception& e) {
    d.report_exception(P::name, e.what());
    r.emplace(handler_error{codec::error_code::internal, "internal error"});
  }
  if (r->ok())
    d.answer(P::name, session, has_response, nullptr, &r->value(), &sproto_encode_as<Resp>);
  else
    d.answer(P::name, session, has_response, &r->error(), nullptr, nullptr);
}

template <class P, class Req, class Resp>
std::optional<runtime::task<void>> sproto_start_typed(void (*fn)(), sproto_driver& d,
                                                      std::string_view body,
                                                      std::optional<std::int64_t> session,
                                                      bool has_response) {
  Req args;
  if (!sproto::gen::decode(body, args)) return std::nullopt;
  return sproto_run_typed<P, Req, Resp>(d, reinterpret_cast<sproto_typed_fn<Req, Resp>>(fn),
                                        std::move(args), session, has_response);
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
