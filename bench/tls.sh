#!/usr/bin/env bash
# wss:// against ws:// on the same machine at the same moment, with stratus-bench (--tls).
#   bench/tls.sh [--protocol protobuf|sproto] [--idle N] [--rounds R] [--duration S]
#                [--warmup S] [--connections C] [--inflight K]
# Starts two release servers from the same binary and config, one plain and one with a fresh
# self-signed pair (ws_tls_cert/ws_tls_key), then:
#  1. idle memory: N connections (default 2000) opened and logged in on each server in turn
#     (fresh servers); RSS per connection = (RSS with N idle - RSS before) / N;
#  2. echo throughput: C connections x K in flight (default 100 x 16, 32-byte echo), R rounds
#     (default 5) alternating ws, wss, ws, wss, ...; prints every round and the medians and
#     their ratio.
# Environment: STRATUS_BIN / STRATUS_BENCH_BIN use those binaries (default build/release).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3
protocol=protobuf
idle=2000
rounds=5
duration=5
warmup=1
connections=100
inflight=16

while [ $# -gt 0 ]; do
  case "$1" in
    --protocol) protocol="$2"; shift ;;
    --idle) idle="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --inflight) inflight="$2"; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/tls.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

server_bin="${STRATUS_BIN:-$root/build/release/bin/stratus}"
bench_bin="${STRATUS_BENCH_BIN:-$root/build/release/bin/stratus-bench}"
for b in "$server_bin" "$bench_bin"; do
  [ -x "$b" ] || { echo "bench/tls.sh: $b not built (cmake --build --preset release)" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# launch NAME TLS(0|1): a fresh server; sets launched_pid and launched_port.
launch() {
  local dir="$tmp/$1" tls="$2"
  rm -rf "$dir"
  mkdir -p "$dir"
  launched_port="$(free_port)"
  cat >"$dir/config" <<EOF
thread = 2
log_level = "warn"
logger = "$dir/server.log"
daemon = "$dir/stratus.pid"
ws_host = "127.0.0.1"
ws_port = $launched_port
protocol_type = "$protocol"
max_connections = $((idle + 2000))
max_connections_per_ip = $((idle + 2000))
idle_timeout_ms = 600000
sqlite_path = "$dir/stratus.db"
password_ops = 1
password_mem_kib = 8
password_queue = $((idle + 2000))
max_requests_per_s = 1000000000
max_bytes_per_s = 1000000000
EOF
  if [ "$tls" = 1 ]; then
    printf 'ws_tls_cert = "%s"\nws_tls_key = "%s"\n' "$tmp/cert.pem" "$tmp/key.pem" >>"$dir/config"
  fi
  (cd "$dir" && exec "$server_bin" -c "$dir/config" >"$dir/server.out" 2>&1) &
  launched_pid=$!
  pids+=("$launched_pid")
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$launched_port") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "bench/tls.sh: server $1 did not listen" >&2
  cat "$dir/server.out" >&2
  exit 1
}

url() { if [ "$1" = 1 ]; then echo "wss://127.0.0.1:$2/"; else echo "ws://127.0.0.1:$2/"; fi; }

# 1. Idle memory, each on a fresh server.
for tls in 0 1; do
  launch "idle$tls" "$tls"
  sleep 1
  before="$(rss_kb "$launched_pid")"
  "$bench_bin" --url "$(url "$tls" "$launched_port")" --protocol "$protocol" \
    --connections "$idle" --connect-only --duration 6 --quiet --json >"$tmp/idle$tls.json" &
  bench_pid=$!
  for _ in $(seq 1200); do
    [ "$(ls "/proc/$launched_pid/fd" | wc -l)" -ge "$idle" ] && break
    kill -0 "$bench_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 2
  after="$(rss_kb "$launched_pid")"
  wait "$bench_pid" || true
  kill "$launched_pid"
  wait "$launched_pid" 2>/dev/null || true
  echo "$before $after" >"$tmp/idle$tls.rss"
done

# 2. Throughput, alternating on two servers that stay up.
launch plain 0
plain_port="$launched_port"
launch tls 1
tls_port="$launched_port"
for r in $(seq "$rounds"); do
  for tls in 0 1; do
    port="$plain_port"
    [ "$tls" = 1 ] && port="$tls_port"
    "$bench_bin" --url "$(url "$tls" "$port")" --protocol "$protocol" \
      --connections "$connections" --inflight "$inflight" --duration "$duration" \
      --warmup "$warmup" --quiet --json >"$tmp/round$r-$tls.json"
  done
done

"$py" - "$tmp" "$idle" "$rounds" "$connections" "$inflight" <<'EOF'
import json, statistics, sys
tmp, idle, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
name = {0: "ws", 1: "wss"}
per = {}
for tls in (0, 1):
    before, after = map(int, open(f"{tmp}/idle{tls}.rss").read().split())
    connected = json.load(open(f"{tmp}/idle{tls}.json")).get("connected", idle)
    per[tls] = (after - before) * 1024 / max(connected, 1)
    print(f"idle {name[tls]:>3}: {connected} connections, RSS {before} -> {after} KiB, "
          f"{per[tls] / 1024:.1f} KiB per connection")
print(f"idle wss/ws: {per[1] / per[0]:.2f}")
rates = {0: [], 1: []}
for r in range(1, rounds + 1):
    row = []
    for tls in (0, 1):
        d = json.load(open(f"{tmp}/round{r}-{tls}.json"))
        rates[tls].append(d["requests_per_second"])
        row.append(f"{name[tls]} {d['requests_per_second']:,.0f} req/s "
                   f"(p99 {d.get('p99_us', 0) / 1000:.1f} ms, "
                   f"errors {d.get('errors', 0)})")
    print(f"round {r}: " + ", ".join(row))
m = {tls: statistics.median(v) for tls, v in rates.items()}
print(f"echo {sys.argv[4]} x {sys.argv[5]}: median ws {m[0]:,.0f} req/s, wss {m[1]:,.0f} req/s, "
      f"wss/ws {m[1] / m[0]:.2f}")
EOF
