#pragma once
// Command-line options of stratus-bench.

#include <cstddef>
#include <string>
#include <variant>

namespace stratus::loadgen {

/// Everything one run of stratus-bench is told.
struct options {
  std::string url = "ws://127.0.0.1:8081/";  ///< server URL: ws://host:port/path or tcp://host:port
  std::string transport = "ws";              ///< ws, or tcp: the mode's length prefix, no WebSocket
  bool tls = false;                          ///< TLS under either transport (wss://, --tls)
  std::string host = "127.0.0.1";            ///< parsed from url
  std::string port = "8081";                 ///< parsed from url
  std::string path = "/";                    ///< parsed from url
  int connections = 100;                     ///< connections opened
  int inflight = 1;                          ///< requests in flight per connection
  double duration = 10;                      ///< measured seconds (or idle hold time)
  double warmup = 0;                         ///< seconds run before measuring
  std::size_t payload = 32;                  ///< echo payload bytes
  std::string protocol = "protobuf";         ///< packet format: protobuf or sproto
  std::string request = "echo";              ///< what the loop sends: echo, or login (protobuf)
  int threads = 1;                           ///< client io threads
  bool json = false;                         ///< print the summary as JSON
  bool connect_only = false;                 ///< open, log in, hold idle; no requests
  bool login = true;                         ///< log in after the handshake (--no-login: not)
  bool quiet = false;                        ///< no progress lines
  std::string account_prefix = "bench";      ///< connection i logs in as <prefix><i>
  std::string password = "bench";            ///< password for every account
  int max_handshakes = 256;                  ///< cap on connections opening at once
  double open_timeout = 10;                  ///< seconds for connect + handshake + login
};

/// Parses argv; returns the options, or a message (usage or error) to print.
std::variant<options, std::string> parse_options(int argc, const char* const* argv);

/// Splits "ws://host[:port][/path]" or "tcp://host:port" into o.host, o.port and o.path and
/// returns the scheme ("ws" or "tcp"); empty when the URL is neither.
std::string split_url(options& o);

/// The --help text.
std::string usage();

}  // namespace stratus::loadgen
