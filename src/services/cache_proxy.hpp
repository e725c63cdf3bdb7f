#pragma once
// `.cacheproxyd`: the key-value store behind a service; every blocking call runs off-worker.

#include <chrono>
#include <memory>
#include <optional>

#include "backend/kv_store.hpp"
#include "runtime/config.hpp"
#include "runtime/work_lane.hpp"
#include "runtime/service.hpp"
#include "services/cache_messages.hpp"

namespace stratus::services {

/// Builds the store the config names: `cache = "memory"` or `"redis"` (redis_* keys).
/// Throws std::runtime_error for an unusable config (start-up failure).
std::shared_ptr<backend::kv_store> make_kv_store(const runtime::config& cfg);

/// Serves the cache messages of cache_messages.hpp on a shared kv_store. Handlers suspend while
/// the store works on the `cache` work lane (one thread per connection, bounded queue), so one slow Redis never blocks a worker thread;
/// the in-process store (kv_store::blocks() false) runs inline.
class cache_proxy : public runtime::service {
 public:
  /// Wraps `store`; publishes its counters (publish_stats) each second and logs them every
  /// `stats_interval` (0: neither).
  explicit cache_proxy(std::shared_ptr<backend::kv_store> store,
                       std::chrono::milliseconds stats_interval = std::chrono::minutes(1));

  /// The message table.
  static void describe(runtime::handlers<cache_proxy>& h);

  /// Starts the periodic statistics line.
  void on_start() override;

  /// GET.
  runtime::task<cache::get::response> on_get(cache::get m);
  /// SET with optional TTL.
  runtime::task<cache::set::response> on_set(cache::set m);
  /// DEL.
  runtime::task<cache::del::response> on_del(cache::del m);
  /// PEXPIRE.
  runtime::task<cache::expire::response> on_expire(cache::expire m);
  /// INCRBY.
  runtime::task<cache::incr::response> on_incr(cache::incr m);
  /// HSET.
  runtime::task<cache::hset::response> on_hset(cache::hset m);
  /// HMSET.
  runtime::task<cache::hmset::response> on_hmset(cache::hmset m);
  /// HGET.
  runtime::task<cache::hget::response> on_hget(cache::hget m);
  /// HGETALL.
  runtime::task<cache::hgetall::response> on_hgetall(cache::hgetall m);
  /// Raw command.
  runtime::task<cache::command::response> on_command(cache::command m);
  /// Pipeline.
  runtime::task<cache::pipeline::response> on_pipeline(cache::pipeline m);
  /// Counters (no blocking call).
  cache::stats::response on_stats(cache::stats m);

 private:
  std::shared_ptr<backend::kv_store> store_;
  runtime::work_lane* lane_ = nullptr;  // none: the store runs inline
  std::chrono::milliseconds stats_interval_;
};

}  // namespace stratus::services
