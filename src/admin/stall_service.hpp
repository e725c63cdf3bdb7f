#pragma once
// Tests only (admin_test_stall = true): `.stall` blocks its worker thread on demand, so tests
// can show that a stuck service neither hangs the console nor passes /healthz.

#include <chrono>

#include "runtime/service.hpp"

namespace stratus::admin {

/// Asks `.stall` to block its thread for `for_`.
struct stall {
  std::chrono::milliseconds for_;
};

/// A service whose one handler sleeps on its worker thread: a stand-in for a handler stuck in
/// blocking work.
class stall_service : public runtime::service {
 public:
  static void describe(runtime::handlers<stall_service>& h) { h.on(&stall_service::on_stall); }
  /// Takes the name `.stall`.
  void on_start() override { register_name(".stall"); }
  /// Blocks the thread for m.for_.
  void on_stall(stall m);
};

}  // namespace stratus::admin
