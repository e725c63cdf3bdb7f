#include "backend/memory_store.hpp"

#include "backend/memory_commands.hpp"

namespace stratus::backend {

memory_store::memory_store(std::chrono::milliseconds sweep_interval)
    : sweeper_([this, sweep_interval] { sweep_loop(sweep_interval); }) {}

memory_store::~memory_store() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  sweeper_.join();
}

void memory_store::sweep_loop(std::chrono::milliseconds interval) {
  std::unique_lock lock(mutex_);
  while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
    table_.sweep(memory_table::clock::now());
  }
}

result<void> memory_store::check_supported(const std::vector<std::string>& args) {
  if (args.empty()) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    return fail(error_code::bad_request, "empty command");
  }
  if (!memory_supports(args[0])) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    return fail(error_code::bad_request, "unsupported command in memory cache: " + args[0]);
  }
  return {};
}

result<kv_reply> memory_store::command(std::vector<std::string> args) {
  if (auto r = check_supported(args); !r) return r.error();
  kv_reply reply;
  {
    std::lock_guard lock(mutex_);
    reply = memory_execute(table_, args, memory_table::clock::now());
  }
  ok_.fetch_add(1, std::memory_order_relaxed);
  if (reply.is_error()) error_replies_.fetch_add(1, std::memory_order_relaxed);
  return reply;
}

result<std::vector<kv_reply>> memory_store::pipeline(std::vector<std::vector<std::string>> cmds) {
  // Refuse the whole batch up front, so an unsupported command never leaves half of it applied.
  for (const auto& args : cmds) {
    if (auto r = check_supported(args); !r) return r.error();
  }
  std::vector<kv_reply> replies;
  replies.reserve(cmds.size());
  {
    std::lock_guard lock(mutex_);
    auto now = memory_table::clock::now();
    for (const auto& args : cmds) replies.push_back(memory_execute(table_, args, now));
  }
  for (const auto& r : replies) {
    ok_.fetch_add(1, std::memory_order_relaxed);
    if (r.is_error()) error_replies_.fetch_add(1, std::memory_order_relaxed);
  }
  return replies;
}

kv_stats memory_store::stats() const {
  kv_stats s;
  s.pool_size = 1;
  s.connections_up = 1;
  s.commands_ok = ok_.load(std::memory_order_relaxed);
  s.commands_failed = failed_.load(std::memory_order_relaxed);
  s.error_replies = error_replies_.load(std::memory_order_relaxed);
  return s;
}

std::size_t memory_store::key_count() const {
  std::lock_guard lock(mutex_);
  return table_.size();
}

}  // namespace stratus::backend
