#pragma once
// kv_store backed by Redis through a redis_pool.

#include "backend/kv_store.hpp"
#include "backend/redis_pool.hpp"

namespace stratus::backend {

/// Redis-backed store: each call leases a pooled connection for one command or pipeline.
/// Calls fail with `backend_unavailable` (fast, while Redis is known down) or `timeout`;
/// the pool reconnects on its own when Redis comes back.
class redis_store final : public kv_store {
 public:
  /// Creates the store and its pool; connections open on first use or in warm_up().
  explicit redis_store(redis_options options);

  result<kv_reply> command(std::vector<std::string> args) override;
  result<std::vector<kv_reply>> pipeline(std::vector<std::vector<std::string>> cmds) override;
  kv_stats stats() const override;

  /// Opens every pooled connection now (a start-up check); fails if Redis is unreachable.
  result<void> warm_up() { return pool_.warm_up(); }

 private:
  redis_pool pool_;
};

}  // namespace stratus::backend
