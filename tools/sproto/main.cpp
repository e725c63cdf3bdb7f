// stratus-sproto: inspect and convert sproto schemas and messages from the command line.

#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

int usage() {
  std::cerr << "usage: stratus-sproto COMMAND ...\n"
               "  check FILE...            parse schema files, report errors (exit 1 on error)\n"
               "  dump FILE                list types and protocols with their tags\n"
               "  encode SCHEMA TYPE       JSON value on stdin -> hex message\n"
               "  decode SCHEMA TYPE       hex message on stdin -> JSON value\n"
               "  pack                     hex on stdin -> 0-packed hex\n"
               "  unpack                   0-packed hex on stdin -> hex\n"
               "  rpc-decode C2S S2C [P]   packed RPC message (hex) on stdin -> JSON;\n"
               "                           P: c2s protocol whose response the message is\n"
               "  gen SCHEMA NS HPP CPP [INCLUDE]\n"
               "                           generate C++ structs + codecs (namespace NS);\n"
               "                           INCLUDE: how CPP includes HPP (default: its name)\n"
               "JSON values follow shared/sproto-vectors/README.md ($double, $binary).\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = stratus::sproto::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage();
  const std::string cmd = args[0];
  const std::size_t n = args.size() - 1;
  if (cmd == "check" && n >= 1) {
    return cli::check({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  if (cmd == "dump" && n == 1) return cli::dump(args[1], std::cout, std::cerr);
  if (cmd == "encode" && n == 2)
    return cli::encode(args[1], args[2], std::cin, std::cout, std::cerr);
  if (cmd == "decode" && n == 2)
    return cli::decode(args[1], args[2], std::cin, std::cout, std::cerr);
  if ((cmd == "pack" || cmd == "unpack") && n == 0) {
    return cli::pack(cmd == "unpack", std::cin, std::cout, std::cerr);
  }
  if (cmd == "rpc-decode" && (n == 2 || n == 3)) {
    return cli::rpc_decode(args[1], args[2], n == 3 ? args[3] : "", std::cin, std::cout, std::cerr);
  }
  if (cmd == "gen" && (n == 4 || n == 5)) {
    return cli::gen(args[1], args[2], args[3], args[4], n == 5 ? args[5] : "", std::cerr);
  }
  return usage();
}
