#include "fanout/fanout_options.hpp"

#include <string_view>

#include "fanout/room_wire.hpp"
#include "loadgen/options.hpp"
#include "loadgen/tool_text.hpp"
#include "loadgen/tool_text.hpp"

namespace stratus::fanout {
using loadgen::parse_number;

std::string fanout_usage() {
  return "usage: stratus-fanout [options]   (room fan-out benchmark, protobuf mode)\n"
         "  --url URL              tcp://HOST:PORT (default tcp://127.0.0.1:8082, the server's\n"
         "                         tcp_port) or ws://HOST:PORT/PATH\n"
         "  --transport T          tcp | ws (default: the URL's scheme)\n"
         "  --members N            member connections, each a new account (default 1000)\n"
         "  --rate R               says per second; 0 = closed loop: the next say after the\n"
         "                         reply to the last (default 0)\n"
         "  --duration S           seconds of says measured (default 5)\n"
         "  --warmup S             seconds of says before measuring (default 1)\n"
         "  --text-bytes B         bytes of a say's text (default 32, at least 10)\n"
         "  --room NAME            the room (default fanout)\n"
         "  --account-prefix S     member i logs in as S<i> (default fan)\n"
         "  --password S           password of every account (default fanout)\n"
         "  --threads T            client io threads (default 1)\n"
         "  --max-handshakes N     members opening at once (default 256)\n"
         "  --open-timeout S       connect + login + join, per member (default 60)\n"
         "  --drain-timeout S      wait for the last receipts after the last say (default 10)\n"
         "  --max-says N           says one run may send (default 200000)\n"
         "  --server-pid PID       report this process's CPU% and RSS during the says\n"
         "  --json                 summary as JSON on stdout\n"
         "  --quiet                no progress lines on stderr\n"
         "Exit status 1 when a member failed to open or a receipt is missing.\n";
}

std::variant<fanout_options, std::string> parse_fanout_options(int argc, const char* const* argv) {
  fanout_options o;
  bool url_given = false, transport_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string_view { return i + 1 < argc ? argv[++i] : ""; };
    bool ok = true;
    if (arg == "--help" || arg == "-h") return fanout_usage();
    if (arg == "--url") {
      o.url = std::string(value());
      url_given = true;
    } else if (arg == "--transport") {
      o.transport = std::string(value());
      transport_given = true;
    } else if (arg == "--members") {
      ok = parse_number(value(), o.members) && o.members > 0;
    } else if (arg == "--rate") {
      ok = parse_number(value(), o.rate);
    } else if (arg == "--duration") {
      ok = parse_number(value(), o.duration) && o.duration > 0;
    } else if (arg == "--warmup") {
      ok = parse_number(value(), o.warmup);
    } else if (arg == "--text-bytes") {
      ok = parse_number(value(), o.text_bytes) && o.text_bytes >= say_digits;
    } else if (arg == "--room") {
      o.room = std::string(value());
      ok = !o.room.empty();
    } else if (arg == "--account-prefix") {
      o.account_prefix = std::string(value());
    } else if (arg == "--password") {
      o.password = std::string(value());
    } else if (arg == "--threads") {
      ok = parse_number(value(), o.threads) && o.threads > 0;
    } else if (arg == "--max-handshakes") {
      ok = parse_number(value(), o.max_handshakes) && o.max_handshakes > 0;
    } else if (arg == "--open-timeout") {
      ok = parse_number(value(), o.open_timeout) && o.open_timeout > 0;
    } else if (arg == "--drain-timeout") {
      ok = parse_number(value(), o.drain_timeout);
    } else if (arg == "--max-says") {
      ok = parse_number(value(), o.max_says) && o.max_says > 0;
    } else if (arg == "--server-pid") {
      ok = parse_number(value(), o.server_pid);
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else {
      return "unknown option " + std::string(arg) + "\n" + fanout_usage();
    }
    if (!ok) return "bad value for " + std::string(arg) + "\n" + fanout_usage();
  }
  // The URL grammar is the load generator's (ws://host:port/path, tcp://host:port).
  loadgen::options url;
  url.url = o.url;
  const std::string scheme = loadgen::split_url(url);
  if (scheme.empty()) return "--url must look like tcp://host:port or ws://host:port/path";
  o.host = url.host;
  o.port = url.port;
  o.path = url.path;
  if (o.transport != "ws" && o.transport != "tcp") return "--transport must be tcp or ws";
  if (!transport_given) {
    o.transport = scheme;
  } else if (url_given && o.transport != scheme) {
    return "--transport " + o.transport + " contradicts --url " + o.url;
  }
  return o;
}

}  // namespace stratus::fanout
