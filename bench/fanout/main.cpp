// stratus-fanout: the room fan-out benchmark (see --help and bench/fanout.sh).


#include <atomic>
#include <csignal>
#include <cstdio>

#include "loadgen/tool_text.hpp"
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fanout/fanout_run.hpp"

namespace {

std::atomic<bool> interrupted{false};

void on_signal(int) {
  interrupted = true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace stratus::fanout;
  auto parsed = parse_fanout_options(argc, argv);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    const bool help = message->rfind("usage:", 0) == 0;
    std::fputs(message->c_str(), help ? stdout : stderr);
    return help ? 0 : 2;
  }
  const fanout_options& opts = std::get<fanout_options>(parsed);
  stratus::loadgen::raise_fd_limit(opts.members, "members");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  boost::asio::io_context resolver_io;
  boost::asio::ip::tcp::resolver resolver(resolver_io);
  boost::system::error_code ec;
  auto targets = resolver.resolve(opts.host, opts.port, ec);
  if (ec) {
    std::fprintf(stderr, "stratus-fanout: cannot resolve %s:%s: %s\n", opts.host.c_str(),
                 opts.port.c_str(), ec.message().c_str());
    return 2;
  }
  const fanout_result result = run_fanout(opts, targets, interrupted);
  std::cout << (opts.json ? format_json(opts, result) : format_text(opts, result)) << std::flush;
  return result.complete() ? 0 : 1;
}
