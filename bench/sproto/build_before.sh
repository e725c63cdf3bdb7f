#!/bin/sh
# Builds build/baseline/sproto_bench_dynamic_before: today's dynamic-API cases of sproto_bench
# (bench/sproto/dynamic_cases.cpp) compiled against the sproto library of commit b507634, the
# last one before issue 13's work, so that the two APIs run the same cases side by side:
#   bench/sproto/build_before.sh
#   taskset -c 1 build/baseline/sproto_bench_dynamic_before 3 0.4
#   taskset -c 1 build/release/bin/sproto_bench dynamic 3 0.4
# (alternate the two; -O3, which favours the old library if anything).
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out=build/baseline
old="$out/old"
mkdir -p "$out"
rm -rf "$old"
mkdir -p "$old"
git archive b507634 src/sproto | tar -x -C "$old"
files=""
for f in value schema parser schema_builder encoder decoder pack host rpc_api; do
  files="$files $old/src/sproto/$f.cpp"
done
cat >"$out/main_dynamic.cpp" <<'EOF'
#include <cstdlib>
#include "measure.hpp"
void stratus::sproto::bench::run_generated(const plan&) {}
int main(int argc, char** argv) {
  stratus::sproto::bench::plan p;
  if (argc > 1) p.runs = std::atoi(argv[1]);
  if (argc > 2) p.seconds = std::atof(argv[2]);
  stratus::sproto::bench::run_dynamic(p);
}
EOF
# shellcheck disable=SC2086 # the file list
g++ -std=c++20 -O3 -DNDEBUG -DSPROTO_BENCH_OLD_API -I"$old/src" -Ibench/sproto \
  -DSTRATUS_SPROTO_SHAPES="\"$root/src/sproto/testdata/shapes.sproto\"" \
  $files bench/sproto/dynamic_cases.cpp "$out/main_dynamic.cpp" -o "$out/sproto_bench_dynamic_before"
echo "built $out/sproto_bench_dynamic_before"
