// The config keys the gateway (listener, limits, agents) reads: name, type, default, one line of doc, limits.
// Keep them in the order of the commented `config` file at the repository root.
#include "gate/gate_keys.hpp"

#include <string>

namespace stratus::gate {

runtime::config_layer config_keys() {
  using t = runtime::config_type;
  using str = std::string;
  using std::int64_t;
  constexpr int64_t max_port = 65535;
  runtime::config_layer layer{"gate", {
      {"ws_host", t::string, str{"0.0.0.0"}, "address the WebSocket listener binds"},
      {"ws_port",
       t::integer,
       int64_t{8081},
       "port of the WebSocket listener",
       false,
       false,
       {},
       0,
       max_port},
      {"ws_path", t::string, str{"/"}, "HTTP path clients upgrade on"},
      {"tcp_port", t::integer, int64_t{0},
       "port of the plain TCP listener (length-prefixed packets, as skynet's gate); 0: off",
       false, false, {}, 0, 65535},
      {"tcp_host", t::string, str{}, "address the TCP listener binds; empty: ws_host"},
      {"ws_tls_cert", t::string, str{},
       "PEM certificate chain: ws_port serves wss:// (and https static files); SIGHUP reloads "
       "it; empty: plain ws://"},
      {"ws_tls_key", t::string, str{}, "PEM private key of ws_tls_cert (unencrypted)"},
      {"tcp_tls", t::boolean, false,
       "tcp_port speaks TLS too, with ws_tls_cert and ws_tls_key"},
      {"protocol_type",
       t::string,
       str{"sproto"},
       "wire protocol of the gateway",
       false,
       false,
       {"sproto", "protobuf"}},
      {"max_connections",
       t::integer,
       int64_t{10000},
       "open connections accepted at once",
       false,
       false,
       {},
       1},
      {"max_message_size", t::integer, int64_t{0},
       "largest incoming message, bytes; 0: what the protocol's framing allows (sproto 65537, "
       "protobuf 65536)", false, false, {}, 0},
      {"max_connections_per_ip", t::integer, int64_t{256},
       "open connections from one IP address; more get HTTP 503", false, false, {}, 1},
      {"max_requests_per_s", t::integer, int64_t{1000},
       "requests per second one connection may send (burst: twice that); over: RATE_LIMITED",
       false, false, {}, 1},
      {"max_bytes_per_s", t::integer, int64_t{1} << 20,
       "bytes per second one connection may send; over: RATE_LIMITED", false, false, {}, 1},
      {"max_pending_bytes", t::integer, int64_t{1} << 20,
       "bytes of requests one connection may queue behind a running handler; more closes it "
       "(1008)", false, false, {}, 1},
      {"max_send_queue",
       t::integer,
       int64_t{1 << 20},
       "bytes queued for one slow client",
       false,
       false,
       {},
       1},
      {"max_bad_packets",
       t::integer,
       int64_t{3},
       "undecodable packets before a kick",
       false,
       false,
       {},
       1},
      {"max_pending_requests", t::integer, int64_t{256},
       "requests one connection may queue behind a running handler; more closes it (1008)",
       false, false, {}, 1, 1 << 20},
      {"handshake_timeout_ms",
       t::integer,
       int64_t{5000},
       "time allowed for the HTTP upgrade",
       false,
       false,
       {},
       1},
      {"idle_timeout_ms",
       t::integer,
       int64_t{60000},
       "close a connection silent this long",
       false,
       false,
       {},
       1},
      {"ws_origins", t::string_list, std::vector<str>{}, "allowed Origin headers; empty: any"},
      {"www_root", t::string, str{"www"},
       "folder of static files answered to plain HTTP GET/HEAD on ws_port (the browser demo); "
       "relative: the working directory, else beside the binary; empty: off"},
      {"heartbeat_ms", t::integer, int64_t{5000}, "interval of heartbeat pushes in sproto mode", false, false, {}, 1},
      {"resume_grace_s", t::integer, int64_t{30},
       "seconds a dropped session waits for a resume; 0: no resume", false, false, {}, 0},
      {"resume_buffer", t::integer, int64_t{256}, "pushes a session keeps for a resume", false,
       false, {}, 0},
      {"drain_timeout_ms", t::integer, int64_t{10000},
       "on SIGTERM, how long requests in progress may take before connections close (1001)",
       false, false, {}, 0},
  }};
  return layer;
}

}  // namespace stratus::gate
