// stratus-bench: WebSocket load generator for stratus (see --help).


#include <atomic>
#include <csignal>
#include <cstdio>

#include "loadgen/tool_text.hpp"
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen/driver.hpp"
#include "loadgen/protocol.hpp"

namespace {

std::atomic<bool> interrupted{false};

void on_signal(int) {
  interrupted = true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace stratus::loadgen;
  auto parsed = parse_options(argc, argv);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    const bool help = message->rfind("usage:", 0) == 0;
    std::fputs(message->c_str(), help ? stdout : stderr);
    return help ? 0 : 2;
  }
  const options& opts = std::get<options>(parsed);
  if (auto probe = make_protocol(opts); auto* error = std::get_if<std::string>(&probe)) {
    std::fprintf(stderr, "stratus-bench: %s\n", error->c_str());
    return 2;
  }
  stratus::loadgen::raise_fd_limit(opts.connections, "connections");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  boost::asio::io_context resolver_io;
  boost::asio::ip::tcp::resolver resolver(resolver_io);
  boost::system::error_code ec;
  auto targets = resolver.resolve(opts.host, opts.port, ec);
  if (ec) {
    std::fprintf(stderr, "stratus-bench: cannot resolve %s:%s: %s\n", opts.host.c_str(),
                 opts.port.c_str(), ec.message().c_str());
    return 2;
  }

  const summary result = run_benchmark(opts, targets, interrupted);
  std::cout << (opts.json ? format_json(opts, result) : format_text(opts, result)) << std::flush;
  if (result.connected == 0) return 1;
  return 0;
}
