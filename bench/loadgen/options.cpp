#include "loadgen/options.hpp"

#include <string_view>

#include "loadgen/tool_text.hpp"

namespace stratus::loadgen {

std::string usage() {
  return "usage: stratus-bench [options]\n"
         "  --url URL              server: ws://HOST:PORT/PATH (default ws://127.0.0.1:8081/)\n"
         "                         or tcp://HOST:PORT (the server's tcp_port); wss://...\n"
         "                         is ws:// with --tls\n"
         "  --tls                  TLS 1.2+ under the transport (no certificate check)\n"
         "  --transport T          ws | tcp: WebSocket, or the mode's length prefix on plain\n"
         "                         TCP (protobuf: u32 little-endian; sproto: u16 big-endian);\n"
         "                         default: the URL's scheme\n"
         "  --connections N        connections to open (default 100)\n"
         "  --inflight K           requests in flight per connection (default 1)\n"
         "  --duration S           measured seconds, or idle hold time (default 10)\n"
         "  --warmup S             seconds run before measuring (default 0)\n"
         "  --payload BYTES        echo payload size (default 32)\n"
         "  --protocol P           protobuf | sproto | raw (default protobuf; raw: no codec,\n"
         "                         the bytes echoed back, for bench/net_echo as a baseline)\n"
         "  --request R            echo | login: the closed loop repeats R (login: protobuf\n"
         "                         mode; each connection logs in again and again)\n"
         "  --threads T            client io threads (default 1)\n"
         "  --connect-only         open N connections, log in, hold them idle\n"
         "  --no-login             with --connect-only: WebSocket handshake only, no login\n"
         "  --account-prefix S     connection i logs in as S<i> (default bench)\n"
         "  --password S           password for every account (default bench)\n"
         "  --max-handshakes N     connections opening at once (default 256)\n"
         "  --open-timeout S       connect + handshake + login timeout (default 10)\n"
         "  --json                 summary as JSON on stdout\n"
         "  --quiet                no progress lines on stderr\n";
}

std::string split_url(options& o) {
  std::string_view rest = o.url;
  std::string scheme;
  for (std::string_view s : {"ws", "wss", "tcp"}) {
    if (rest.substr(0, s.size() + 3) == std::string(s) + "://") scheme = s;
  }
  if (scheme.empty()) return {};
  rest.remove_prefix(scheme.size() + 3);
  if (scheme == "wss") {
    o.tls = true;
    scheme = "ws";
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  o.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    o.host = std::string(authority.substr(0, colon));
    o.port = std::string(authority.substr(colon + 1));
  } else {
    o.host = std::string(authority);
    o.port = scheme == "ws" ? (o.tls ? "443" : "80") : "";  // TCP has no conventional port
  }
  if (o.host.empty() || o.port.empty()) return {};
  return scheme;
}

std::variant<options, std::string> parse_options(int argc, const char* const* argv) {
  options o;
  bool url_given = false, transport_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string_view { return i + 1 < argc ? argv[++i] : ""; };
    bool ok = true;
    if (arg == "--help" || arg == "-h") return usage();
    if (arg == "--url") {
      o.url = std::string(value());
      url_given = true;
    } else if (arg == "--transport") {
      o.transport = std::string(value());
      transport_given = true;
    } else if (arg == "--connections")
      ok = parse_number(value(), o.connections) && o.connections > 0;
    else if (arg == "--inflight")
      ok = parse_number(value(), o.inflight) && o.inflight > 0;
    else if (arg == "--duration")
      ok = parse_number(value(), o.duration);
    else if (arg == "--warmup")
      ok = parse_number(value(), o.warmup);
    else if (arg == "--payload")
      ok = parse_number(value(), o.payload);
    else if (arg == "--protocol")
      o.protocol = std::string(value());
    else if (arg == "--request")
      o.request = std::string(value());
    else if (arg == "--threads")
      ok = parse_number(value(), o.threads) && o.threads > 0;
    else if (arg == "--tls")
      o.tls = true;
    else if (arg == "--json")
      o.json = true;
    else if (arg == "--quiet")
      o.quiet = true;
    else if (arg == "--connect-only")
      o.connect_only = true;
    else if (arg == "--no-login")
      o.login = false;
    else if (arg == "--account-prefix")
      o.account_prefix = std::string(value());
    else if (arg == "--password")
      o.password = std::string(value());
    else if (arg == "--max-handshakes")
      ok = parse_number(value(), o.max_handshakes) && o.max_handshakes > 0;
    else if (arg == "--open-timeout")
      ok = parse_number(value(), o.open_timeout) && o.open_timeout > 0;
    else
      return "unknown option " + std::string(arg) + "\n" + usage();
    if (!ok) return "bad value for " + std::string(arg) + "\n" + usage();
  }
  const std::string scheme = split_url(o);
  if (scheme.empty()) {
    return "--url must look like ws://host:port/path or tcp://host:port, got " + o.url;
  }
  if (o.transport != "ws" && o.transport != "tcp") {
    return "--transport must be ws or tcp, got " + o.transport;
  }
  // The URL's scheme decides unless only --transport was given (then host and port still come
  // from the URL, e.g. the default one); both given and disagreeing is a mistake.
  if (!transport_given) {
    o.transport = scheme;
  } else if (url_given && o.transport != scheme) {
    return "--transport " + o.transport + " contradicts --url " + o.url;
  }
  if (o.protocol != "protobuf" && o.protocol != "sproto" && o.protocol != "raw") {
    return "--protocol must be protobuf, sproto or raw, got " + o.protocol;
  }
  if (o.request != "echo" && o.request != "login") {
    return "--request must be echo or login, got " + o.request;
  }
  if (!o.login && !o.connect_only) {
    return "--no-login needs --connect-only (requests need the login's token)";
  }
  if (o.tls && o.protocol == "raw") {
    return "--tls needs a stratus server (bench/net_echo has no TLS)";
  }
  if (o.transport == "tcp" && o.protocol == "raw") {
    return "--protocol raw is WebSocket only (bench/net_echo has no TCP listener)";
  }
  if (o.request == "login" && o.protocol != "protobuf") {
    return "--request login needs --protocol protobuf (sproto's signin carries no password)";
  }
  return o;
}

}  // namespace stratus::loadgen
