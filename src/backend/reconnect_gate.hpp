#pragma once
// Shared up/down knowledge for a pool: fail fast while the server is known down,
// let one caller probe it again when the backoff delay has passed.

#include <chrono>
#include <mutex>

namespace stratus::backend {

/// Exponential backoff state for one server, shared by all connections of a pool. Thread-safe.
class reconnect_gate {
 public:
  /// Clock used for retry times.
  using clock = std::chrono::steady_clock;

  /// Delay after the first failure is `first`, doubling after each further failure up to `max`.
  reconnect_gate(std::chrono::milliseconds first, std::chrono::milliseconds max);

  /// Whether the caller may try to connect now. False while the server is known down and either
  /// the backoff delay has not passed or another caller is already probing it.
  bool may_connect();
  /// A connect attempt succeeded: the server is up, the backoff resets.
  void connected();
  /// A connect attempt failed: the server is down until the next backoff delay has passed.
  void connect_failed();
  /// True while the server is known down.
  bool down() const;
  /// Delay the next failure will impose.
  std::chrono::milliseconds next_delay() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::milliseconds first_, max_, delay_;
  bool down_ = false;
  bool probing_ = false;
  clock::time_point retry_at_{};
};

}  // namespace stratus::backend
