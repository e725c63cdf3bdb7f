#include "backend/redis_store.hpp"

namespace stratus::backend {

redis_store::redis_store(redis_options options) : pool_(std::move(options)) {}

result<kv_reply> redis_store::command(std::vector<std::string> args) {
  auto conn = pool_.acquire();
  if (!conn) return conn.error();
  auto reply = (*conn)->command(args);
  pool_.count(reply.ok(), reply.ok() && reply->is_error());
  return reply;
}

result<std::vector<kv_reply>> redis_store::pipeline(std::vector<std::vector<std::string>> cmds) {
  if (cmds.empty()) return std::vector<kv_reply>{};
  auto conn = pool_.acquire();
  if (!conn) return conn.error();
  auto replies = (*conn)->pipeline(cmds);
  if (!replies) {
    pool_.count(false, false);
    return replies;
  }
  for (const auto& r : *replies) pool_.count(true, r.is_error());
  return replies;
}

kv_stats redis_store::stats() const {
  return pool_.stats();
}

}  // namespace stratus::backend
