#pragma once
// Runs a blocking backend call on the node's blocking pool from a service coroutine.

#include <functional>
#include <utility>

#include "runtime/offload.hpp"

namespace stratus::services {

/// Like runtime::offload, with the awaiter held in a named local: GCC 12 destroys temporaries
/// of a co_await operand twice in some cases (seen with non-trivial std::function targets).
/// With `blocks` false the job runs right here instead (a store that never waits: handing it
/// to the pool would cost two thread wake-ups for microseconds of work).
template <class R>
runtime::task<R> blocking(runtime::service& self, std::function<R()> job, bool blocks = true) {
  if (!blocks) co_return job();
  runtime::detail::offload_awaiter<R> awaiter(self, std::move(job));
  R out = co_await awaiter;
  co_return out;
}

}  // namespace stratus::services
