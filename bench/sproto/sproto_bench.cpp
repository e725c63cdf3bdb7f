// sproto throughput: encode+pack and unpack+decode for a small RPC (signin), a medium struct
// (20 fields with a nested array of 10 structs) and a 4 KiB binary (the shapes of
// src/sproto/testdata/shapes.sproto), through the dynamic API and through generated code.
// Prints the median messages/s and MB/s (MB of packed bytes, 10^6) of several runs.
// usage: sproto_bench [dynamic|generated|all] [RUNS] [SECONDS_PER_RUN] [signin|medium|4KiB]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "measure.hpp"

int main(int argc, char** argv) {
  using namespace stratus::sproto::bench;
  const std::string only = argc > 1 ? argv[1] : "";
  plan p;
  if (argc > 2) p.runs = std::max(1, std::atoi(argv[2]));
  if (argc > 3) p.seconds = std::atof(argv[3]);
  if (argc > 4) p.only = argv[4];
  if (only.empty() || only == "all" || only == "dynamic") run_dynamic(p);
  if (only.empty() || only == "all" || only == "generated") run_generated(p);
  return 0;
}
