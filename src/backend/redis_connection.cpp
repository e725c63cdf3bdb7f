#include "backend/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <sys/time.h>
#include <cerrno>
#include <cstring>

namespace stratus::backend {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

kv_reply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return {std::string(r->str, r->len)};
    case REDIS_REPLY_INTEGER:
      return {static_cast<std::int64_t>(r->integer)};
    case REDIS_REPLY_STATUS:
      return {kv_status{std::string(r->str, r->len)}};
    case REDIS_REPLY_ERROR:
      return {kv_error{std::string(r->str, r->len)}};
    case REDIS_REPLY_ARRAY: {
      std::vector<kv_reply> items;
      items.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) items.push_back(convert(r->element[i]));
      return {std::move(items)};
    }
    default:
      return {kv_nil{}};
  }
}

}  // namespace

result<std::unique_ptr<redis_connection>> redis_connection::open(const redis_options& options) {
  auto tv = to_timeval(options.connect_timeout);
  bool unix_socket = !options.host.empty() && options.host.front() == '/';
  std::string where =
      unix_socket ? options.host : options.host + ":" + std::to_string(options.port);
  redisContext* c = unix_socket ? redisConnectUnixWithTimeout(options.host.c_str(), tv)
                                : redisConnectWithTimeout(options.host.c_str(), options.port, tv);
  if (!c) return fail(error_code::internal, "out of memory creating a redis context");
  if (c->err) {
    std::string why = c->errstr;
    redisFree(c);
    return fail(error_code::backend_unavailable,
                "cannot connect to redis at " + where + ": " + why);
  }
  redisSetTimeout(c, to_timeval(options.command_timeout));
  if (!unix_socket) redisEnableKeepAlive(c);
  std::unique_ptr<redis_connection> conn(new redis_connection(c, where));

  // Session setup: a refusal here is a configuration problem, reported without the password.
  auto setup = [&](std::vector<std::string> args, const char* what) -> result<void> {
    auto r = conn->command(args);
    if (!r) return r.error();
    if (const auto* e = std::get_if<kv_error>(&r->value)) {
      return fail(error_code::backend_unavailable,
                  std::string("redis ") + what + " refused at " + where + ": " + e->text);
    }
    return {};
  };
  if (!options.password.empty()) {
    if (auto r = setup({"AUTH", options.password}, "AUTH"); !r) return r.error();
  }
  if (options.db != 0) {
    if (auto r = setup({"SELECT", std::to_string(options.db)}, "SELECT"); !r) return r.error();
  }
  return conn;
}

redis_connection::redis_connection(redisContext* context, std::string where)
    : context_(context), where_(std::move(where)) {}

redis_connection::~redis_connection() {
  redisFree(context_);
}

error redis_connection::io_failure() {
  int saved_errno = errno;
  broken_ = true;
  std::string why = context_->errstr;
  bool timed_out =
      context_->err == REDIS_ERR_IO &&
      (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || why == std::strerror(EAGAIN));
  if (timed_out) return fail(error_code::timeout, "redis at " + where_ + " did not answer in time");
  if (context_->err == REDIS_ERR_IO || context_->err == REDIS_ERR_EOF) {
    lost_ = true;
    return fail(error_code::backend_unavailable, "redis connection to " + where_ + " lost: " + why);
  }
  return fail(error_code::internal, "redis client error on " + where_ + ": " + why);
}

bool redis_connection::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv.data(),
                                lengths.data()) == REDIS_OK;
}

result<kv_reply> redis_connection::read_reply() {
  void* raw = nullptr;
  errno = 0;
  if (redisGetReply(context_, &raw) != REDIS_OK || !raw) return io_failure();
  auto* reply = static_cast<redisReply*>(raw);
  kv_reply out = convert(reply);
  freeReplyObject(reply);
  return out;
}

result<kv_reply> redis_connection::command(const std::vector<std::string>& args) {
  if (broken_) return fail(error_code::internal, "command on a broken redis connection");
  if (args.empty()) return fail(error_code::bad_request, "empty redis command");
  if (!append(args)) return io_failure();
  return read_reply();
}

result<std::vector<kv_reply>> redis_connection::pipeline(
    const std::vector<std::vector<std::string>>& cmds) {
  if (broken_) return fail(error_code::internal, "pipeline on a broken redis connection");
  for (const auto& args : cmds) {
    if (args.empty()) return fail(error_code::bad_request, "empty command in redis pipeline");
  }
  for (const auto& args : cmds) {
    if (!append(args)) return io_failure();
  }
  std::vector<kv_reply> replies;
  replies.reserve(cmds.size());
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    auto r = read_reply();
    if (!r) return r.error();
    replies.push_back(std::move(*r));
  }
  return replies;
}

}  // namespace stratus::backend
