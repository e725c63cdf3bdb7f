#include "services/cache_proxy.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "backend/memory_store.hpp"
#include "backend/redis_store.hpp"
#include "runtime/log.hpp"
#include "services/blocking.hpp"
#include "services/stats_loop.hpp"

namespace stratus::services {

namespace {
using runtime::task;

// Turns a result<void> into the result<bool> carried by messages (void is not a message value).
backend::result<bool> to_bool(backend::result<void> r) {
  if (!r) return r.error();
  return true;
}
}  // namespace

std::shared_ptr<backend::kv_store> make_kv_store(const runtime::config& cfg) {
  const std::string& kind = cfg.get_string("cache");
  if (kind == "memory") return std::make_shared<backend::memory_store>();
  if (kind != "redis") throw std::runtime_error("cache: unknown backend \"" + kind + "\"");
  backend::redis_options o;
  o.host = cfg.get_string("redis_host");
  if (o.host.empty()) throw std::runtime_error("cache = \"redis\" needs redis_host");
  o.port = static_cast<int>(cfg.get_int("redis_port"));
  o.password = cfg.get_string("redis_password");
  o.db = static_cast<int>(cfg.get_int("redis_db"));
  o.pool_size = static_cast<std::size_t>(cfg.get_int("redis_pool"));
  o.command_timeout = std::chrono::milliseconds(cfg.get_int("redis_timeout_ms"));
  o.connect_timeout = o.command_timeout;
  auto store = std::make_shared<backend::redis_store>(std::move(o));
  // Not fatal: the pool reconnects by itself once Redis is up.
  if (auto up = store->warm_up(); !up) {
    runtime::log::warn("cache: redis not reachable at start-up: {}", up.error().message);
  }
  return store;
}

cache_proxy::cache_proxy(std::shared_ptr<backend::kv_store> store,
                         std::chrono::milliseconds stats_interval)
    : store_(std::move(store)), stats_interval_(stats_interval) {}

void cache_proxy::describe(runtime::handlers<cache_proxy>& h) {
  h.on(&cache_proxy::on_get);
  h.on(&cache_proxy::on_set);
  h.on(&cache_proxy::on_del);
  h.on(&cache_proxy::on_expire);
  h.on(&cache_proxy::on_incr);
  h.on(&cache_proxy::on_hset);
  h.on(&cache_proxy::on_hmset);
  h.on(&cache_proxy::on_hget);
  h.on(&cache_proxy::on_hgetall);
  h.on(&cache_proxy::on_command);
  h.on(&cache_proxy::on_pipeline);
  h.on(&cache_proxy::on_stats);
}

void cache_proxy::on_start() {
  if (store_->blocks()) lane_ = &backend_lane(*this, "cache", store_->stats().pool_size);
  if (stats_interval_.count() > 0) {
    fork(services::stats_loop(*this, stats_interval_, "cache", [store = store_] {
      backend::kv_stats s = store->stats();
      return fmt::format("pool {} up {} ok {} failed {} error_replies {} reconnects {}",
                         s.pool_size, s.connections_up, s.commands_ok, s.commands_failed,
                         s.error_replies, s.reconnects);
    }));
  }
}

// Each handler copies the shared store into the blocking job, so the store outlives a job
// whose service exited meanwhile.
task<cache::get::response> cache_proxy::on_get(cache::get m) {
  return blocking<cache::get::response>(
      *this, [s = store_, msg = std::move(m)] { return s->get(msg.key); }, lane_);
}

task<cache::set::response> cache_proxy::on_set(cache::set m) {
  return blocking<cache::set::response>(
      *this,
      [s = store_, msg = std::move(m)] { return to_bool(s->set(msg.key, msg.value, msg.ttl)); },
      lane_);
}

task<cache::del::response> cache_proxy::on_del(cache::del m) {
  return blocking<cache::del::response>(
      *this, [s = store_, msg = std::move(m)] { return s->del(msg.key); }, lane_);
}

task<cache::expire::response> cache_proxy::on_expire(cache::expire m) {
  return blocking<cache::expire::response>(
      *this, [s = store_, msg = std::move(m)] { return s->expire(msg.key, msg.ttl); },
      lane_);
}

task<cache::incr::response> cache_proxy::on_incr(cache::incr m) {
  return blocking<cache::incr::response>(
      *this, [s = store_, msg = std::move(m)] { return s->incr(msg.key, msg.by); },
      lane_);
}

task<cache::hset::response> cache_proxy::on_hset(cache::hset m) {
  return blocking<cache::hset::response>(
      *this, [s = store_, msg = std::move(m)] { return s->hset(msg.key, msg.field, msg.value); },
      lane_);
}

task<cache::hmset::response> cache_proxy::on_hmset(cache::hmset m) {
  return blocking<cache::hmset::response>(
      *this, [s = store_, msg = std::move(m)] { return to_bool(s->hmset(msg.key, msg.fields)); },
      lane_);
}

task<cache::hget::response> cache_proxy::on_hget(cache::hget m) {
  return blocking<cache::hget::response>(
      *this, [s = store_, msg = std::move(m)] { return s->hget(msg.key, msg.field); },
      lane_);
}

task<cache::hgetall::response> cache_proxy::on_hgetall(cache::hgetall m) {
  return blocking<cache::hgetall::response>(
      *this, [s = store_, msg = std::move(m)] { return s->hgetall(msg.key); }, lane_);
}

task<cache::command::response> cache_proxy::on_command(cache::command m) {
  return blocking<cache::command::response>(
      *this, [s = store_, msg = std::move(m)]() mutable { return s->command(std::move(msg.args)); },
      lane_);
}

task<cache::pipeline::response> cache_proxy::on_pipeline(cache::pipeline m) {
  return blocking<cache::pipeline::response>(
      *this,
      [s = store_, msg = std::move(m)]() mutable { return s->pipeline(std::move(msg.commands)); },
      lane_);
}

cache::stats::response cache_proxy::on_stats(cache::stats) {
  return store_->stats();
}

}  // namespace stratus::services
