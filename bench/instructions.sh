#!/usr/bin/env bash
# Counts the server's user-space instructions per echo request under callgrind, and lists the
# functions that cost most: a figure that does not move with the machine's load, for comparing
# two builds of the request path when req/s differs by less than its noise.
#   bench/instructions.sh [--protocol protobuf|sproto|raw] [--bin BIN] [--seconds S] [--top N]
#                         [--connections C] [--inflight K]
# Starts BIN (default build/release/bin/stratus; with --protocol raw, bench/net_echo) under
# valgrind's callgrind on free ports, loads it with stratus-bench (100 connections x 16 in
# flight, 32-byte echo), zeroes the counts once the load runs, dumps them S seconds (default 3)
# later and prints instructions per message received (bench/instructions/summary.py).
# The server runs some 50 times slower under callgrind: its batches are smaller than at full
# speed, so the figure is for comparing builds, not a model of the real request cost.
# Needs valgrind (apt-get install valgrind).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3
protocol=sproto
bin=""
seconds=3
top=25
connections=100
inflight=16

while [ $# -gt 0 ]; do
  case "$1" in
    --protocol) protocol="$2"; shift ;;
    --bin) bin="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --top) top="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --inflight) inflight="$2"; shift ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/instructions.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
case "$protocol" in protobuf | sproto | raw) ;; *) echo "--protocol: protobuf, sproto or raw" >&2; exit 2 ;; esac
command -v valgrind >/dev/null || { echo "bench/instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
bench_bin="${STRATUS_BENCH_BIN:-$root/build/release/bin/stratus-bench}"
[ -n "$bin" ] || bin="$root/build/release/bin/$([ "$protocol" = raw ] && echo net_echo || echo stratus)"
for b in "$bin" "$bench_bin"; do
  [ -x "$b" ] || { echo "bench/instructions.sh: $b is missing (cmake --build --preset release)" >&2; exit 1; }
done

# shellcheck source=bench/bench_config.sh
source "$root/bench/bench_config.sh"
tmp="$(mktemp -d /tmp/stratus-instructions.XXXXXX)"
server_pid=""
bench_pid=""
cleanup() {
  for pid in $bench_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

grind=(valgrind --tool=callgrind "--callgrind-out-file=$tmp/callgrind.out")
if [ "$protocol" = raw ]; then
  "${grind[@]}" "$bin" --port "$port" --threads 2 >"$tmp/server.out" 2>&1 &
else
  tcp_port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  bench_config "$tmp" "$protocol" 2000 "$port" "$tcp_port"
  (cd "$tmp" && exec "${grind[@]}" "$bin" -c "$tmp/config" >"$tmp/server.out" 2>&1) &
fi
server_pid=$!
for _ in $(seq 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.out" >&2; exit 1; }
  sleep 0.2
done

# Connections and logins are slow under callgrind: the load runs well past the dump.
"$bench_bin" --url "ws://127.0.0.1:$port/" --protocol "$protocol" --connections "$connections" \
  --inflight "$inflight" --payload 32 --warmup 1 --duration $((seconds + 12)) >"$tmp/bench.out" 2>&1 &
bench_pid=$!
sleep 6  # connected, logged in, and the load running
callgrind_control -z "$server_pid" >/dev/null
sleep "$seconds"
callgrind_control -d "$server_pid" >/dev/null
kill "$bench_pid" 2>/dev/null || true
dump="$(ls "$tmp"/callgrind.out.*.1 2>/dev/null | head -1 || true)"
[ -n "$dump" ] || dump="$(ls "$tmp"/callgrind.out*.1 2>/dev/null | head -1 || true)"
[ -n "$dump" ] || { echo "bench/instructions.sh: no dump was written" >&2; ls "$tmp" >&2; exit 1; }
echo "$protocol echo, ${connections}x${inflight}, $bin under callgrind, ${seconds}s counted"
"$py" "$root/bench/instructions/summary.py" "$dump" --top "$top"
