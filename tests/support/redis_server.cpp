#include "support/redis_server.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace stratus::test_support {
namespace {

// True once the server answers anything to PING (NOAUTH counts: it is up).
bool answers(int port) {
  timeval tv{0, 200000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  bool up = false;
  if (c && !c->err) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    up = reply != nullptr;
    if (reply) freeReplyObject(reply);
  }
  if (c) redisFree(c);
  return up;
}

}  // namespace

redis_server::redis_server(std::string password)
    : password_(std::move(password)), port_(free_loopback_port()) {
  start();
}

void redis_server::kill() {
  if (process_) process_->kill();
  process_.reset();
}

void redis_server::start() {
  kill();
  std::vector<std::string> argv{"redis-server",
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--dir",
                                dir_.path(),
                                "--daemonize",
                                "no"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  process_ = std::make_unique<child_process>(argv, dir_.path() + "/redis.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers(port_)) return;
    if (!process_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("redis-server did not start; see " + dir_.path() + "/redis.log");
}

}  // namespace stratus::test_support
