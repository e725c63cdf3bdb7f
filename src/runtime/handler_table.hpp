#pragma once
#include <cstring>
#include <type_traits>
#include <vector>

#include "runtime/envelope.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace stratus::runtime {

class service;

/// The response type of message M: `M::response`, or `done` for messages without one.
template <class M>
struct response_of {
  using type = done;
};
template <class M>
requires requires {
  typename M::response;
}
struct response_of<M> {
  using type = typename M::response;
};
template <class M>
using response_of_t = typename response_of<M>::type;

namespace detail {

template <class T>
struct task_value {
  static constexpr bool is_task = false;
  using type = T;
};
template <class T>
struct task_value<task<T>> {
  static constexpr bool is_task = true;
  using type = T;
};

/// One message type a service type handles.
struct handler_entry {
  type_id id;
  void (*invoke)(service& self, envelope& env, const handler_entry& entry);
  alignas(std::max_align_t) unsigned char fn[2 * sizeof(void*)];  // a member function pointer
};

/// The handlers of one service type, built once and shared by all its instances.
class handler_table {
 public:
  const handler_entry* find(type_id id) const noexcept {
    for (const handler_entry& e : entries_)
      if (e.id == id) return &e;
    return nullptr;
  }
  void add(const handler_entry& e) { entries_.push_back(e); }

 private:
  std::vector<handler_entry> entries_;
};

// Defined in service.hpp, where service is complete.
template <class S, class M, class R, class F>
void invoke_handler(service& self, envelope& env, const handler_entry& entry);

}  // namespace detail

/// What a service type's `static void describe(handlers<S>&)` fills: one line per message type.
///
///     static void describe(runtime::handlers<calculator>& h) {
///       h.on(&calculator::add);       // runtime::task<int> add(add_req)  or  int add(add_req)
///       h.on(&calculator::greet);     // void greet(greeting)
///     }
template <class S>
class handlers {
 public:
  explicit handlers(detail::handler_table& table) : table_(table) {}

  /// Handles messages of type M with member `fn`, which returns M::response (or void for
  /// one-way messages), directly or as a task.
  template <class R, class Arg, class B>
  requires std::is_base_of_v<B, S>
  void on(R (B::*fn)(Arg)) {
    using M = std::remove_cvref_t<Arg>;
    using V = typename detail::task_value<R>::type;
    static_assert(std::is_same_v<V, response_of_t<M>> ||
                      (std::is_void_v<V> && std::is_same_v<response_of_t<M>, done>),
                  "a handler must return its message's `response` type (or void if it has none)");
    using F = R (B::*)(Arg);
    detail::handler_entry e{type_id_of<M>(), &detail::invoke_handler<S, M, R, F>, {}};
    static_assert(sizeof(F) <= sizeof(e.fn));
    std::memcpy(e.fn, &fn, sizeof(F));
    table_.add(e);
  }

 private:
  detail::handler_table& table_;
};

namespace detail {
/// The shared table of service type S (empty when S has no describe()).
template <class S>
const handler_table& table_for() {
  static const handler_table table = [] {
    handler_table t;
    if constexpr (requires(handlers<S> & h) { S::describe(h); }) {
      handlers<S> h(t);
      S::describe(h);
    }
    return t;
  }();
  return table;
}
}  // namespace detail

}  // namespace stratus::runtime
