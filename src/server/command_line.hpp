#pragma once
// The `stratus` command line: `stratus [-D] [-c] CONFIG`, `stratus --print-key KEY [-c] CONFIG`,
// `stratus console [-c CONFIG]`.

#include <optional>
#include <span>
#include <string>
#include <variant>

namespace stratus::server {

/// What the user asked the binary to do.
struct command_line {
  std::string config_path;  ///< the config file
  bool daemon = false;      ///< -D: detach, write the pid file, log to a file
  std::string print_key;    ///< --print-key KEY: print the key's value and exit
  bool help = false;        ///< -h / --help
  bool list_keys = false;   ///< --list-keys: print every declared key with its default
  bool console = false;     ///< `console`: relay stdin/stdout to the running node's console
};

/// The usage text printed by --help and after a usage error.
std::string usage();

/// Parses argv (without argv[0]); a string is the reason the arguments are wrong.
std::variant<command_line, std::string> parse_command_line(std::span<const char* const> args);

}  // namespace stratus::server
