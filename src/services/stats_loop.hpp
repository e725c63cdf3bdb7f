#pragma once
// The proxies' figures: published as the service's stats note each second (node::stats(), the
// SIGUSR1 report) and logged every `log_every`.
#include <algorithm>
#include <chrono>
#include <functional>
#include <string>

#include "runtime/log.hpp"
#include "runtime/service.hpp"
#include "runtime/task.hpp"

namespace stratus::services {

/// Runs until the service exits: `describe()` -> publish_stats each second, and a log line
/// "<what> stats: ..." every `log_every` (which must be > 0).
inline runtime::task<void> stats_loop(runtime::service& self, std::chrono::milliseconds log_every,
                                      std::string what, std::function<std::string()> describe) {
  const auto tick = std::min<std::chrono::milliseconds>(log_every, std::chrono::seconds(1));
  auto since_log = std::chrono::milliseconds(0);
  for (;;) {
    std::string line = describe();
    if (since_log >= log_every) {
      runtime::log::info("{} stats: {}", what, line);
      since_log = std::chrono::milliseconds(0);
    }
    self.publish_stats(std::move(line));
    co_await self.sleep(tick);
    since_log += tick;
  }
}

}  // namespace stratus::services
