#pragma once
// Runs a blocking backend call on its own work lane from a service coroutine.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "backend/result.hpp"
#include "runtime/offload.hpp"

namespace stratus::services {

/// The node's lane for one backend's calls, made on first use: as many threads as the backend
/// has connections (more would only wait for a connection), at most `max_queued` waiting, and
/// jobs dropped unrun once they waited longer than the node's call timeout (their caller has
/// stopped waiting by then). Look it up once (on_start) and keep the reference.
inline runtime::work_lane& backend_lane(runtime::service& self, std::string name,
                                        std::size_t connections, std::size_t max_queued = 1024) {
  return runtime::lane_of(self, {std::move(name), connections == 0 ? 1 : connections, max_queued,
                                 self.call_timeout()});
}

/// Runs `job` on `lane` and returns its result; a refused or expired job gives
/// BACKEND_UNAVAILABLE ("busy"), at once. With no lane the job runs right here instead (a store
/// that never waits: handing it to a thread would cost two wake-ups for microseconds of work).
/// R is a backend::result. The awaiter is a named local: GCC 12 destroys temporaries of a
/// co_await operand twice in some cases.
template <class R>
runtime::task<R> blocking(runtime::service& self, std::function<R()> job, runtime::work_lane* lane) {
  if (!lane) co_return job();
  runtime::detail::offload_awaiter<R> awaiter(self, *lane, std::move(job));
  runtime::result<R> out = co_await awaiter;
  if (!out) co_return backend::fail(backend::error_code::backend_unavailable, out.error().message);
  co_return std::move(*out);
}

}  // namespace stratus::services
