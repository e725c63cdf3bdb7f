#include "server/command_line.hpp"

#include <string_view>

namespace stratus::server {

std::string usage() {
  return "usage: stratus [-D] [-c] CONFIG\n"
         "       stratus --print-key KEY [-c] CONFIG\n"
         "       stratus --list-keys\n"
         "       stratus console [-c CONFIG]\n"
         "  -D               run as a daemon: pid file at the `daemon` key, log at `logger`\n"
         "                   (default run/stratus.pid and run/stratus.log)\n"
         "  -c CONFIG        the config file (skynet style, Lua syntax)\n"
         "  --print-key KEY  print the value of KEY (its default when unset) and exit\n"
         "  --list-keys      print every key the framework reads, with default and meaning\n"
         "  console          talk to the running node's debug console (console_host:\n"
         "                   console_port of CONFIG, default ./config): stdin in, stdout out\n"
         "signals: SIGINT/SIGTERM stop gracefully (exit 0), SIGHUP reopens the log file\n"
         "         and reloads the TLS certificate (ws_tls_cert), SIGUSR1 logs every service's\n"
         "         counters\n";
}

std::variant<command_line, std::string> parse_command_line(std::span<const char* const> args) {
  command_line cmd;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (i == 0 && arg == "console") {
      cmd.console = true;
    } else if (arg == "-h" || arg == "--help") {
      cmd.help = true;
    } else if (arg == "--list-keys") {
      cmd.list_keys = true;
    } else if (arg == "-D" || arg == "--daemon") {
      cmd.daemon = true;
    } else if (arg == "-c" || arg == "--config" || arg == "--print-key") {
      if (i + 1 >= args.size()) return std::string(arg) + " needs a value";
      (arg == "--print-key" ? cmd.print_key : cmd.config_path) = args[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      return "unknown option " + std::string(arg);
    } else if (cmd.config_path.empty()) {
      cmd.config_path = arg;
    } else {
      return "more than one config file given (" + cmd.config_path + ", " + std::string(arg) + ")";
    }
  }
  if (cmd.help || cmd.list_keys) return cmd;
  if (cmd.console && cmd.config_path.empty()) cmd.config_path = "config";
  if (cmd.console && (cmd.daemon || !cmd.print_key.empty()))
    return std::string("console takes only -c CONFIG");
  if (cmd.config_path.empty()) return std::string("no config file given");
  if (cmd.daemon && !cmd.print_key.empty())
    return std::string("-D and --print-key exclude each other");
  return cmd;
}

}  // namespace stratus::server
