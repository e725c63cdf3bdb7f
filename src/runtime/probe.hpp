#pragma once
// A message every service answers without a handler of its own: the round trip proves the
// mailbox turns (console `ping`, /healthz), and `inspect` reads a service's state on its own
// thread, where the service cannot exit under the reader (the admin's gate counters).

#include <functional>

#include "runtime/result.hpp"

namespace stratus::runtime {

class service;

/// Answered by every service with `done` once `inspect` (if any) ran on the service's thread.
struct probe {
  /// Runs on the probed service's thread before the reply; may be empty.
  std::function<void(service&)> inspect;
  using response = done;
};

}  // namespace stratus::runtime
