#pragma once
// Runs a blocking backend call on its own work lane from a service coroutine.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "backend/result.hpp"
#include "runtime/offload.hpp"

namespace stratus::services {

/// The lane of one backend's calls: as many threads as the backend has connections (more would
/// only wait for a connection), at most `max_queued` waiting, and jobs dropped unrun once they
/// waited longer than the node's call timeout (their caller has stopped waiting by then).
inline runtime::work_lane_options backend_lane(runtime::service& self, std::string name,
                                               std::size_t connections,
                                               std::size_t max_queued = 1024) {
  return {std::move(name), connections == 0 ? 1 : connections, max_queued, self.call_timeout()};
}

/// Runs `job` on `lane` and returns its result; a refused or expired job gives
/// BACKEND_UNAVAILABLE ("busy"), at once. With no lane the job runs right here instead (a store
/// that never waits: handing it to a thread would cost two wake-ups for microseconds of work).
/// R is a backend::result. The awaiter is a named local: GCC 12 destroys temporaries of a
/// co_await operand twice in some cases.
template <class R>
runtime::task<R> blocking(runtime::service& self, std::function<R()> job,
                          const std::optional<runtime::work_lane_options>& lane) {
  if (!lane) co_return job();
  runtime::detail::offload_awaiter<R> awaiter(self, runtime::lane_of(self, *lane), std::move(job));
  runtime::result<R> out = co_await awaiter;
  if (!out) co_return backend::fail(backend::error_code::backend_unavailable, out.error().message);
  co_return std::move(*out);
}

}  // namespace stratus::services
