#pragma once
// In-process key-value store used when no Redis is configured.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "backend/kv_store.hpp"
#include "backend/memory_table.hpp"

namespace stratus::backend {

/// Thread-safe in-process store with Redis semantics for the commands it implements
/// (strings, hashes, counters, TTLs). Expired keys vanish on access and in a periodic sweep.
/// A command it does not implement fails with `bad_request` "unsupported command in memory cache".
class memory_store final : public kv_store {
 public:
  /// Starts the sweeper, which removes expired keys every `sweep_interval`.
  explicit memory_store(std::chrono::milliseconds sweep_interval = std::chrono::seconds(1));
  /// Stops the sweeper.
  ~memory_store() override;
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  result<kv_reply> command(std::vector<std::string> args) override;
  result<std::vector<kv_reply>> pipeline(std::vector<std::vector<std::string>> cmds) override;
  kv_stats stats() const override;
  bool blocks() const noexcept override { return false; }

  /// Number of keys held, including expired keys the sweeper has not yet removed.
  std::size_t key_count() const;

 private:
  result<void> check_supported(const std::vector<std::string>& args);
  void sweep_loop(std::chrono::milliseconds interval);

  mutable std::mutex mutex_;
  memory_table table_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> ok_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> error_replies_{0};
  std::thread sweeper_;
};

}  // namespace stratus::backend
