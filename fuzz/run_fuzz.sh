#!/usr/bin/env bash
# Builds fuzz/sproto_fuzz.cpp with clang++ (libFuzzer + ASan + UBSan) in a temporary
# directory, with the C++ that GENERATOR (stratus-sproto) makes from fuzz/fuzz.sproto, seeds a
# corpus from the sproto vectors, and fuzzes for SECONDS seconds.
# usage: run_fuzz.sh SECONDS [VECTORS_DIR] [GENERATOR]
# Exit 0 when no finding; prints executions per minute.
set -euo pipefail
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
vectors=${2:-$root/../shared/sproto-vectors}
generator=${3:-$root/build/release/bin/stratus-sproto}
cxx=${FUZZ_CXX:-$(command -v clang++ || command -v clang++-14)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

lib_sources=()
for f in value schema parser schema_builder encoder decoder pack host rpc_api unpacked_size; do
  lib_sources+=("$root/src/sproto/$f.cpp")
done
simd_flags=()
if [ "$(uname -m)" = x86_64 ]; then  # the SSSE3 packing codec, as the CMake build does
  lib_sources+=("$root/src/sproto/pack_ssse3.cpp")
  simd_flags=(-mssse3 -DSTRATUS_SPROTO_SSSE3)
fi
mkdir -p "$work/gen/fuzzgen"
"$generator" gen "$here/fuzz.sproto" stratus::sproto::fuzzing::fuzz "$work/gen/fuzzgen/fuzz.hpp" \
  "$work/gen/fuzzgen/fuzz.cpp" fuzzgen/fuzz.hpp
"$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  "${simd_flags[@]}" -I"$root/src" -I"$work/gen" -DSTRATUS_FUZZ_SCHEMA="\"$here/fuzz.sproto\"" \
  "${lib_sources[@]}" "$work/gen/fuzzgen/fuzz.cpp" "$here/sproto_fuzz.cpp" -o "$work/sproto_fuzz"

# Seed corpus: every hex byte string of the vectors (messages, packed data, RPC packets).
mkdir -p "$work/corpus"
/usr/bin/python3 - "$vectors" "$work/corpus" <<'PY'
import json, pathlib, sys, re
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
hexre = re.compile(r'^(?:[0-9a-f]{2})+$')
n = 0
def walk(x):
    global n
    if isinstance(x, dict):
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
    elif isinstance(x, str) and hexre.match(x) and len(x) <= 8192:
        (dst / f"seed{n}").write_bytes(bytes.fromhex(x)); n += 1
for f in ["types.jsonl", "pack.jsonl", "rpc.jsonl", "malformed.jsonl"]:
    for line in (src / f).read_text().splitlines():
        walk(json.loads(line))
print(f"seed corpus: {n} inputs")
PY

cd "$work"
set +e
./sproto_fuzz -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
  -max_len=4096 corpus >fuzz.log 2>&1
rc=$?
set -e
grep -E '^stat::number_of_executed_units|^Done|ERROR|SUMMARY' fuzz.log || true
if [ $rc -ne 0 ]; then
  tail -n 60 fuzz.log
  echo "fuzzer found a problem (exit $rc)"
  exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log)
echo "executions: $runs in ${seconds}s = $((runs * 60 / seconds)) per minute"
