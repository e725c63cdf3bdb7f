#!/usr/bin/env bash
# Room fan-out benchmark: N members in one room, one speaker; prints a table.
#   bench/fanout.sh [--sizes "1000 10000"] [--transport tcp|ws] [--duration S] [--warmup S]
#                   [--receipts-per-s R] [--threads T] [--smoke]
# For each size N: a fresh release server (protobuf mode, cheap password hashing, memory
# cache + SQLite in a temporary folder, tcp_port set), then stratus-fanout twice: closed loop
# (the next say after the reply to the last) and a fixed rate of R/N says per second (default
# R = 100000 member receipts/s). Each member logs in as a new account and joins the room;
# every say is a game.RoomSayReq with a 32-byte text, and every member reads its
# game.RoomNotice pushes. Reported: member receipts/s, say -> last receipt and say -> first
# receipt p50/p99 over the says, server CPU% and RSS during the says, the tool's own CPU%.
# --smoke: 50 members, 1 s each (the CTest entry bench.fanout_smoke); fails on any loss.
# Environment: STRATUS_BIN / STRATUS_FANOUT_BIN use those binaries and skip the build.
# Raw results (one JSON object per run) go to build/bench/<date>-fanout.jsonl.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3
sizes="1000 10000"
transport=tcp
duration=5
warmup=1
receipts_per_s=100000
threads=1

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift ;;
    --transport) transport="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --receipts-per-s) receipts_per_s="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --smoke) sizes=50; duration=1; warmup=0.3; receipts_per_s=1000 ;;
    -h | --help) usage 0 ;;
    *) echo "bench/fanout.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
  shift
done
case "$transport" in tcp | ws) ;; *) echo "--transport: tcp or ws" >&2; exit 2 ;; esac

ulimit -n "$(ulimit -Hn)"

# 1. Binaries.
server_bin="${STRATUS_BIN:-$root/build/release/bin/stratus}"
fanout_bin="${STRATUS_FANOUT_BIN:-$root/build/release/bin/stratus-fanout}"
if [ -z "${STRATUS_BIN:-}" ] || [ -z "${STRATUS_FANOUT_BIN:-}" ]; then
  cd "$root"
  [ -f build/release/build.ninja ] || nice -n 10 cmake --preset release
  nice -n 10 cmake --build --preset release --target stratus stratus-fanout
fi
for b in "$server_bin" "$fanout_bin"; do
  [ -x "$b" ] || { echo "bench/fanout.sh: $b is missing" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/stratus-fanout.XXXXXX)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

free_port() {
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 2. A fresh server for N members (a new SQLite file each time).
start_server() {
  local n="$1"
  ws_port="$(free_port)"
  tcp_port="$(free_port)"
  rm -f "$tmp"/stratus.db*
  cat >"$tmp/config" <<EOF
thread = 2
log_level = "warn"
logger = "$tmp/server.log"
daemon = "$tmp/stratus.pid"
ws_host = "127.0.0.1"
ws_port = $ws_port
tcp_port = $tcp_port
protocol_type = "protobuf"
max_connections = $((n + 1000))
idle_timeout_ms = 600000
cache = "memory"
db = "sqlite"
sqlite_path = "$tmp/stratus.db"
-- Logins are not what is measured: one account per member, the cheapest hash.
password_ops = 1
password_mem_kib = 8
password_queue = $((n + 1000))
-- Every member comes from 127.0.0.1; the speaker says far above a player's budget.
max_connections_per_ip = $((n + 1000))
max_requests_per_s = 1000000000
max_bytes_per_s = 1000000000
-- Members that close leave the room at once (no session kept for a resume).
resume_grace_s = 0
EOF
  (cd "$tmp" && exec "$server_bin" -c "$tmp/config" >"$tmp/server.out" 2>&1) &
  server_pid=$!
  for _ in $(seq 200); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "bench/fanout.sh: the server exited at start-up:" >&2
      tail -20 "$tmp/server.out" "$tmp/server.log" 2>/dev/null >&2
      exit 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$tcp_port") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "bench/fanout.sh: the server did not listen on port $tcp_port within 20 s" >&2
  exit 1
}

mkdir -p "$root/build/bench"
results="$root/build/bench/$(date +%Y%m%d-%H%M%S)-fanout.jsonl"
: >"$results"
rows="$tmp/rows"
: >"$rows"
failed=0

# run_one N RATE: one stratus-fanout run against the running server (RATE 0: closed loop).
run_one() {
  local n="$1" rate="$2" url mode
  if [ "$transport" = tcp ]; then url="tcp://127.0.0.1:$tcp_port"; else url="ws://127.0.0.1:$ws_port/"; fi
  mode="closed-loop"
  [ "$rate" != 0 ] && mode="$rate says/s"
  echo "== $n members, $mode, over $transport" >&2
  local status=0
  "$fanout_bin" --url "$url" --members "$n" --rate "$rate" --duration "$duration" \
    --warmup "$warmup" --threads "$threads" --room "room-$n-$rate" --account-prefix "fan$n-" \
    --server-pid "$server_pid" --json >"$tmp/run.json" || status=$?
  [ -s "$tmp/run.json" ] || { echo "bench/fanout.sh: stratus-fanout printed nothing" >&2; failed=1; return; }
  cat "$tmp/run.json" >>"$results"
  [ "$status" -eq 0 ] || failed=1
  "$py" - "$tmp/run.json" "$mode" >>"$rows" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lost = d["expected"] - d["receipts"]
print(f'{d["members"]:>7} {sys.argv[2]:>12} {d["says_per_second"]:>8.1f} {d["delivered_per_second"]:>11.0f} '
      f'{d["last_p50_us"] / 1e3:>9.2f} {d["last_p99_us"] / 1e3:>9.2f} {d["first_p50_us"] / 1e3:>9.2f} '
      f'{d["first_p99_us"] / 1e3:>9.2f} {d["server_cpu_percent"]:>8.0f} {d["server_rss_peak_kb"] / 1024:>9.1f} '
      f'{d["client_cpu_percent"]:>8.0f} {lost:>6} {d["errors"] + d["disconnects"]:>6}'
      + ("" if not d["first_error"] else f'  ({d["first_error"]})'))
PY
}

for n in $sizes; do
  start_server "$n"
  run_one "$n" 0
  rate="$(awk -v r="$receipts_per_s" -v n="$n" 'BEGIN { x = r / n; if (x < 1) x = 1; printf "%g", x }')"
  run_one "$n" "$rate"
  stop_server
done

echo
echo "stratus fan-out: protobuf over $transport, 32-byte says, ${duration}s measured after ${warmup}s warm-up, $(nproc) cores shared by server and tool; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%7s %12s %8s %11s %9s %9s %9s %9s %8s %9s %8s %6s %6s\n' members mode "says/s" "receipts/s" \
  "last p50" "last p99" "1st p50" "1st p99" "srv CPU%" "srv RSS" "tool CPU" lost errors
printf '%7s %12s %8s %11s %9s %9s %9s %9s %8s %9s %8s %6s %6s\n' "" "" "" "" ms ms ms ms "" MB "%" "" ""
cat "$rows"
echo "raw results: $results"
exit "$failed"
