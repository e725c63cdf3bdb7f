// net_echo: bare WebSocket echo server on stratus::net (no codec, no services), and a
// load client (--client) to measure req/s and idle memory per connection.
//
//   net_echo --port 9100 --threads 1
//   net_echo --client --port 9100 --connections 100 --inflight 16 --duration 5
//   net_echo --client --idle --connections 10000 --server-pid PID

#include <sys/resource.h>

#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "echo_client.hpp"
#include "net/ws_listener.hpp"

namespace {

using stratus::net::connection;

// Echoes each binary message back on the same connection (one object for all connections).
struct echo_handler : stratus::net::connection_handler {
  void on_message(connection& conn, std::span<const std::uint8_t> payload) override {
    conn.send(payload);
  }
  void on_close(connection&, const stratus::net::close_info&) override {}
};

void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run_server(std::uint16_t port, int threads, std::size_t max_connections) {
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<boost::asio::io_context*> workers;
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    workers.push_back(contexts.back().get());
  }
  stratus::net::ws_options options;
  options.listen.host = "127.0.0.1";
  options.listen.port = port;
  options.listen.max_connections = max_connections;
  // Every benchmark connection comes from one loopback address: no per-address cap (the net
  // layer's default of 256 refused the 1000-connection cases with 503).
  options.listen.max_per_address = max_connections;
  options.connection.idle_timeout = std::chrono::minutes(10);
  auto handler = std::make_shared<echo_handler>();
  stratus::net::ws_listener listener(
      *workers[0], workers, options,
      [handler](const stratus::net::connection_ptr& conn) { conn->set_handler(handler); });
  listener.start();
  boost::asio::signal_set signals(*workers[0], SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    listener.stop();
    for (auto& c : contexts) c->stop();
  });
  std::printf("net_echo listening on 127.0.0.1:%u with %d thread(s)\n", listener.port(), threads);
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([ctx = workers[i]] {
      auto guard = boost::asio::make_work_guard(*ctx);
      ctx->run();
    });
  workers[0]->run();
  for (auto& t : pool) t.join();
  const auto& s = listener.stats();
  std::printf("messages in %llu out %llu, socket writes %llu\n",
              static_cast<unsigned long long>(s.messages_in.load()),
              static_cast<unsigned long long>(s.messages_out.load()),
              static_cast<unsigned long long>(s.flushes.load()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  raise_fd_limit();
  stratus::bench::client_options client;
  bool client_mode = false;
  int threads = 1;
  std::size_t max_connections = 100000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << arg << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--client")
      client_mode = true;
    else if (arg == "--idle")
      client.idle = true;
    else if (arg == "--port")
      client.port = static_cast<std::uint16_t>(std::atoi(value()));
    else if (arg == "--threads")
      threads = std::atoi(value());
    else if (arg == "--max-connections")
      max_connections = std::strtoull(value(), nullptr, 10);
    else if (arg == "--connections")
      client.connections = std::atoi(value());
    else if (arg == "--inflight")
      client.inflight = std::atoi(value());
    else if (arg == "--size")
      client.size = std::atoi(value());
    else if (arg == "--duration")
      client.duration = std::atof(value());
    else if (arg == "--server-pid")
      client.server_pid = std::atoi(value());
    else {
      std::cerr << "usage: net_echo [--port P] [--threads N] [--max-connections N]\n"
                   "       net_echo --client [--port P] [--connections N] [--inflight K]\n"
                   "                [--size BYTES] [--duration SEC] [--idle --server-pid PID]\n";
      return 2;
    }
  }
  if (client_mode) return stratus::bench::run_client(client);
  return run_server(client.port, threads, max_connections);
}
