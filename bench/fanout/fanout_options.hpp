#pragma once
// Command-line options of stratus-fanout.

#include <cstddef>
#include <string>
#include <variant>

namespace stratus::fanout {

/// Everything one run of stratus-fanout is told.
struct fanout_options {
  std::string url = "tcp://127.0.0.1:8082";  ///< tcp://HOST:PORT or ws://HOST:PORT/PATH
  std::string transport = "tcp";             ///< tcp or ws (from the URL unless given)
  std::string host = "127.0.0.1";            ///< parsed from url
  std::string port = "8082";                 ///< parsed from url
  std::string path = "/";                    ///< parsed from url
  int members = 1000;                        ///< member connections (the speaker is one)
  double rate = 0;                           ///< says per second; 0: closed loop
  double duration = 5;                       ///< seconds of says measured
  double warmup = 1;                         ///< seconds of says before measuring
  std::size_t text_bytes = 32;               ///< bytes of each say's text
  std::string room = "fanout";               ///< the room every member joins
  std::string account_prefix = "fan";        ///< member i logs in as <prefix><i>
  std::string password = "fanout";           ///< password of every account
  int threads = 1;                           ///< client io threads
  int max_handshakes = 256;                  ///< members opening at once
  double open_timeout = 60;                  ///< seconds for connect + login + join
  double drain_timeout = 10;                 ///< seconds to wait for the last receipts
  std::size_t max_says = 200000;             ///< says one run may send
  int server_pid = 0;                        ///< sample this process's CPU and RSS (0: none)
  bool json = false;                         ///< the summary as one JSON object
  bool quiet = false;                        ///< no progress lines
};

/// Parses argv; the options, or a message (usage or error) to print.
std::variant<fanout_options, std::string> parse_fanout_options(int argc, const char* const* argv);

/// The --help text.
std::string fanout_usage();

}  // namespace stratus::fanout
