#!/usr/bin/env bash
# Benchmarks a stratus server with stratus-bench and prints a table.
#   bench/run.sh [--protocol protobuf|sproto] [--transport ws|tcp|both] [--compare BIN]
#                [--duration S] [--warmup S] [--idle N] [--threads T] [--repeat R]
#                [--no-baseline] [--quick] [--smoke]
# Builds the release preset if needed, starts build/release/bin/stratus with a temporary
# config on a free port, runs the matrix (100x1, 1000x1, 100x16, 1000x16 connections x
# in-flight, 32-byte echo) R times (default 3) and prints the median run of each case,
# sampling the server's CPU% and RSS from /proc during each measured window; then the idle
# test: N connections (default 10000) opened, logged in and held idle on a fresh server;
# RSS per connection = (RSS with N idle - RSS before) / N; then N opened without logging in.
# The baseline: each case also runs, interleaved in the same run and with the same client,
# against bench/net_echo (a bare WebSocket echo on stratus::net, no codec, no services;
# --protocol raw), and the table gives stratus as a ratio of it.
# --transport: WebSocket (ws, the default), plain TCP on the server's tcp_port (tcp: the mode's
# length prefix, no WebSocket), or both: each case over ws then tcp against the same server,
# interleaved, and a table of both with the TCP/WS ratio. The idle test uses the first one.
# --compare BIN: a second server from BIN (e.g. an older build) runs beside the first; each
# case also runs against it (WebSocket only), interleaved, and a table gives both medians.
# --idle 0 skips the idle test.
# --smoke: one short case (20 connections x 4 in flight, 1 s) per transport, no baseline and
# no idle test; exits 1 unless every case ran with requests answered and no error (the CTest
# entries bench.matrix_smoke_*).
# Environment: STRATUS_BIN / STRATUS_BENCH_BIN use those binaries and skip the build.
# Raw results (one JSON object per case) go to build/bench/<date>-<protocol>.jsonl.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3
protocol=protobuf
duration=10
warmup=2
idle=10000
threads=1
repeat=3
baseline=1
smoke=0
payload=32
transport=ws
compare_bin="${STRATUS_COMPARE_BIN:-}"

usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --protocol) protocol="$2"; shift ;;
    --transport) transport="$2"; shift ;;
    --compare) compare_bin="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --idle) idle="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --no-baseline) baseline=0 ;;
    --quick) duration=3; warmup=1; idle=2000; repeat=1 ;;
    --smoke) smoke=1; duration=1; warmup=0.3; idle=0; repeat=1; baseline=0 ;;
    -h | --help) usage 0 ;;
    *) echo "bench/run.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
  shift
done
case "$protocol" in protobuf | sproto) ;; *) echo "--protocol: protobuf or sproto" >&2; exit 2 ;; esac
case "$transport" in
  ws | tcp) transports=("$transport") ;;
  both) transports=(ws tcp) ;;
  *) echo "--transport: ws, tcp or both" >&2; exit 2 ;;
esac
if [ -n "$compare_bin" ] && [ ! -x "$compare_bin" ]; then
  echo "bench/run.sh: --compare $compare_bin is not an executable" >&2
  exit 2
fi

# 10,000 client sockets here and 10,000 in the server: raise the open-file limit to the maximum.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((idle + 100)) ]; then
  echo "warning: open-file limit $(ulimit -n) is below $idle connections; raise the hard limit" >&2
fi

# 1. Binaries.
server_bin="${STRATUS_BIN:-$root/build/release/bin/stratus}"
bench_bin="${STRATUS_BENCH_BIN:-$root/build/release/bin/stratus-bench}"
echo_bin="${STRATUS_ECHO_BIN:-$root/build/release/bin/net_echo}"
if [ -z "${STRATUS_BIN:-}" ] || [ -z "${STRATUS_BENCH_BIN:-}" ]; then
  cd "$root"
  [ -f build/release/build.ninja ] || cmake --preset release
  nice -n 10 cmake --build --preset release --target stratus stratus-bench net_echo
fi
for b in "$server_bin" "$bench_bin"; do
  [ -x "$b" ] || { echo "bench/run.sh: $b is missing" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/stratus-bench.XXXXXX)"
rows_file="$tmp/rows"
: >"$rows_file"
server_pid=""
bare_pid=""
cmp_pid=""
stop_echo() {
  if [ -n "$bare_pid" ]; then kill -TERM "$bare_pid" 2>/dev/null || true; wait "$bare_pid" 2>/dev/null || true; fi
  bare_pid=""
}
stop_pid() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
stop_server() {
  stop_pid "$server_pid"
  server_pid=""
  stop_pid "$cmp_pid"
  cmp_pid=""
}
trap 'stop_server; stop_echo; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/bench_config.sh
source "$root/bench/bench_config.sh"

free_port() {
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 2. A fresh server on free ports with a temporary config (memory cache, SQLite in its folder):
# launch BIN DIR sets launched_pid, launched_port (WebSocket) and launched_tcp_port.
launch() {
  local bin="$1" dir="$2"
  mkdir -p "$dir"
  rm -f "$dir"/stratus.db*
  launched_port="$(free_port)"
  launched_tcp_port="$(free_port)"
  bench_config "$dir" "$protocol" $((idle + 2000)) "$launched_port" "$launched_tcp_port"
  (cd "$dir" && exec "$bin" -c "$dir/config" >"$dir/server.out" 2>&1) &
  launched_pid=$!
  for _ in $(seq 200); do
    if ! kill -0 "$launched_pid" 2>/dev/null; then
      echo "bench/run.sh: the server $bin exited at start-up:" >&2
      tail -20 "$dir/server.out" "$dir/server.log" 2>/dev/null >&2
      exit 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$launched_port") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "bench/run.sh: the server $bin did not listen on port $launched_port within 20 s" >&2
  exit 1
}

# start_server: the server under test, and the one to compare with (--compare), fresh.
start_server() {
  launch "$server_bin" "$tmp/server"
  server_pid="$launched_pid" port="$launched_port" tcp_port="$launched_tcp_port"
  if [ -n "$compare_bin" ]; then
    launch "$compare_bin" "$tmp/compare"
    cmp_pid="$launched_pid" cmp_port="$launched_port"
  fi
}

# The baseline server: bench/net_echo on a free port, 2 threads like stratus.
start_echo() {
  bare_port="$(free_port)"
  "$echo_bin" --port "$bare_port" --threads 2 --max-connections $((idle + 2000)) >"$tmp/echo.out" 2>&1 &
  bare_pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$bare_port") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "bench/run.sh: net_echo did not listen on port $bare_port" >&2
  exit 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# The sampler reads /proc with shell builtins only: one that started processes to read it (awk,
# date, four times a second, for the server and the client at once) took a share of the two
# cores it was measuring: 26% of the requests of a 100x16 case.
clk_tck="$(getconf CLK_TCK)"
# read_proc PID: sets proc_ticks (user + system CPU ticks) and proc_rss (kB); false once PID is gone.
read_proc() {
  local pid="$1" line key value _
  read -r line <"/proc/$pid/stat" 2>/dev/null || return 1
  # Past "pid (comm) ", field 3 (state) is $1: utime (14) and stime (15) are $12 and $13.
  # shellcheck disable=SC2086 # split on purpose
  set -- ${line##*) }
  proc_ticks=$((${12} + ${13}))
  proc_rss=0
  while read -r key value _; do
    if [ "$key" = VmRSS: ]; then proc_rss="$value"; break; fi
  done <"/proc/$pid/status" 2>/dev/null
}

# sample PID SECONDS: prints "cpu_percent peak_rss_kb" for PID over the next SECONDS (or
# until PID exits: the last reading before that counts), reading it four times.
sample() {
  local pid="$1" seconds="$2" t0 c0 t1 c1 peak=0 _ step
  step="$(awk -v s="$seconds" 'BEGIN { print s / 4 }')"
  read_proc "$pid" || { echo "0 0"; return; }
  t0="${EPOCHREALTIME/[.,]/}" c0="$proc_ticks" t1="$t0" c1="$c0"
  for _ in 1 2 3 4; do
    sleep "$step"
    read_proc "$pid" || break
    t1="${EPOCHREALTIME/[.,]/}" c1="$proc_ticks"
    [ "$proc_rss" -gt "$peak" ] && peak="$proc_rss"
  done
  # CPU% = 100 * ticks / CLK_TCK / seconds (times in microseconds), rounded.
  local per=$((clk_tck * (t1 - t0)))
  echo "$(( per > 0 ? (200000000 * (c1 - c0) / per + 1) / 2 : 0 )) $peak"
}

json_field() { "$py" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

mkdir -p "$root/build/bench"
results="$root/build/bench/$(date +%Y%m%d-%H%M%S)-$protocol.jsonl"
: >"$results"

# 3. The matrix: connections x in-flight; CPU/RSS sampled inside the measured window.
# run_case CONNS INFLIGHT TARGET VIA: TARGET stratus, cmp (--compare) or bare; VIA ws or tcp.
run_case() {
  local conns="$1" inflight="$2" target="${3:-stratus}" via="${4:-ws}" out bench_pid url
  local server_pid="$server_pid" port="$port" proto="$protocol"
  case "$target" in
    bare) server_pid="$bare_pid" port="$bare_port" proto=raw ;;
    cmp) server_pid="$cmp_pid" port="$cmp_port" ;;
  esac
  url="ws://127.0.0.1:$port/"
  [ "$via" = tcp ] && url="tcp://127.0.0.1:$tcp_port"
  echo "== $target over $via: $conns connections x $inflight in flight, ${payload}-byte echo, ${warmup}s warm-up + ${duration}s" >&2
  "$bench_bin" --url "$url" --protocol "$proto" --connections "$conns" \
    --inflight "$inflight" --payload "$payload" --duration "$duration" --warmup "$warmup" \
    --threads "$threads" --json >"$tmp/case.json" &
  bench_pid=$!
  # Wait until the connections are up and the warm-up is over, then sample the window.
  local waited=0
  while kill -0 "$bench_pid" 2>/dev/null && [ "$(ls "/proc/$server_pid/fd" 2>/dev/null | wc -l)" -lt "$conns" ] && [ $waited -lt 600 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  sleep "$warmup"
  # Sample 90% of the window so that timing slop does not reach into the close.
  local window
  window="$(awk -v d="$duration" 'BEGIN { print d * 0.9 }')"
  sample "$server_pid" "$window" >"$tmp/server.sample" &
  local sampler=$!
  sample "$bench_pid" "$window" >"$tmp/client.sample"
  wait "$sampler" || true
  wait "$bench_pid" || true
  out="$(cat "$tmp/case.json")"
  [ -n "$out" ] || { echo "bench/run.sh: stratus-bench printed nothing" >&2; return; }
  local srv_cpu srv_rss cli_cpu
  read -r srv_cpu srv_rss <"$tmp/server.sample"
  read -r cli_cpu _ <"$tmp/client.sample"
  echo "$out" | "$py" -c 'import json,sys; d=json.load(sys.stdin); d.update(target=sys.argv[4], server_cpu_percent=int(sys.argv[1]), server_rss_kb=int(sys.argv[2]), client_cpu_percent=int(sys.argv[3])); print(json.dumps(d))' \
    "$srv_cpu" "$srv_rss" "$cli_cpu" "$target" >>"$results"
  # A row: the key (target-via:case), then the case's line as printed in the tables.
  printf '%s %-12s %10.0f %8s %8s %8s %8s %7s %8s %8s %9.1f\n' "$target-$via:${conns}x${inflight}" "${conns}x${inflight}" \
    "$(json_field "$out" requests_per_second)" "$(json_field "$out" p50_us)" \
    "$(json_field "$out" p99_us)" "$(json_field "$out" p999_us)" "$(json_field "$out" max_us)" \
    "$(json_field "$out" errors)" "$srv_cpu" "$cli_cpu" "$(awk -v k="$srv_rss" 'BEGIN{print k/1024}')" >>"$rows_file"
}

cases=("100 1" "1000 1" "100 16" "1000 16")
[ "$smoke" -eq 1 ] && cases=("20 4")

start_server
[ "$baseline" -eq 1 ] && start_echo
for run in $(seq "$repeat"); do
  for c in "${cases[@]}"; do
    echo "-- run $run of $repeat" >&2
    # shellcheck disable=SC2086 # "conns inflight"
    for via in "${transports[@]}"; do run_case $c stratus "$via"; done
    # shellcheck disable=SC2086
    [ -n "$compare_bin" ] && run_case $c cmp ws
    # shellcheck disable=SC2086
    [ "$baseline" -eq 1 ] && run_case $c bare ws
  done
done
stop_server
stop_echo

# 4. Idle connections on a fresh server (the first transport): memory per connection and
# connect time. The server under test only.
compare_bin_saved="$compare_bin"
compare_bin=""
idle_out="" open_out=""
idle_url() { if [ "${transports[0]}" = tcp ]; then echo "tcp://127.0.0.1:$tcp_port"; else echo "ws://127.0.0.1:$port/"; fi; }
if [ "$idle" -gt 0 ]; then
  start_server
  sleep 1
  rss_before="$(rss_kb "$server_pid")"
  echo "== idle: $idle connections over ${transports[0]}, logged in, held 10 s" >&2
  "$bench_bin" --url "$(idle_url)" --protocol "$protocol" --connections "$idle" \
    --connect-only --duration 10 --threads "$threads" --json >"$tmp/idle.json" &
  bench_pid=$!
  for _ in $(seq 1200); do
    [ "$(ls "/proc/$server_pid/fd" | wc -l)" -ge "$idle" ] && break
    kill -0 "$bench_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 2
  rss_idle="$(rss_kb "$server_pid")"
  wait "$bench_pid" || true
  idle_out="$(cat "$tmp/idle.json")"
  stop_server
  if [ -n "$idle_out" ]; then
    echo "$idle_out" | "$py" -c 'import json,sys; d=json.load(sys.stdin); d.update(server_rss_before_kb=int(sys.argv[1]), server_rss_idle_kb=int(sys.argv[2])); print(json.dumps(d))' \
      "$rss_before" "$rss_idle" >>"$results"
  fi

  # The same count again on a fresh server, handshake only: how much of the opening time is
  # the login (an account created in SQLite for each new name, and a hash).
  start_server
  sleep 1
  echo "== open: $idle connections over ${transports[0]}, handshake only (no login)" >&2
  "$bench_bin" --url "$(idle_url)" --protocol "$protocol" --connections "$idle" \
    --connect-only --no-login --duration 1 --threads "$threads" --json >"$tmp/open.json" || true
  open_out="$(cat "$tmp/open.json")"
  stop_server
  [ -n "$open_out" ] && echo "$open_out" >>"$results"
fi
compare_bin="$compare_bin_saved"

# 5. The tables.
echo
echo "stratus bench: protocol=$protocol, ${payload}-byte echo, ${duration}s measured after ${warmup}s warm-up, $(nproc) cores shared by server and client; load $(cut -d' ' -f1-3 /proc/loadavg)"
header() {
  printf '%-12s %10s %8s %8s %8s %8s %7s %8s %8s %9s\n' "conns x k" "req/s" "p50 us" "p99 us" \
    "p99.9 us" "max us" "errors" "srv CPU%" "cli CPU%" "srv RSS MB"
}
# The median run by req/s of one case (of R runs; with an even R the lower middle).
median_row() {
  local n
  n="$(grep -c "^$1 " "$rows_file" || true)"
  [ "$n" -gt 0 ] && grep "^$1 " "$rows_file" | sort -k3 -n | sed -n "$(((n + 1) / 2))p"
}
# The median rows of TARGET-VIA, as printed (without the key).
section() {
  for c in "${cases[@]}"; do median_row "$1:${c% *}x${c#* }" | cut -d' ' -f2-; done
}
# field TARGET-VIA CASE COLUMN: one column of the median row (3 req/s, 9 CPU%, 11 RSS MB).
field() { median_row "$1:$2" | awk -v c="$3" '{print $c}'; }
for via in "${transports[@]}"; do
  if [ "$via" = tcp ]; then echo "stratus over plain TCP (tcp_port; the mode's length prefix)"; else echo "stratus over WebSocket"; fi
  header
  section "stratus-$via"
done
if [ -n "$compare_bin" ]; then
  echo "compare: $compare_bin over WebSocket, same client, same run"
  header
  section "cmp-ws"
fi
if [ "$baseline" -eq 1 ]; then
  echo "baseline: bench/net_echo (bare WebSocket echo, no codec, no services), same client, same run"
  header
  section "bare-ws"
  for c in "${cases[@]}"; do
    key="${c% *}x${c#* }"
    awk -v k="$key" -v s="$(field "stratus-${transports[0]}" "$key" 3)" -v b="$(field bare-ws "$key" 3)" \
      -v t="${transports[0]}" 'BEGIN { if (b > 0) printf "stratus (%s) / bare echo at %s: %.2f\n", t, k, s / b }'
  done
fi
# side_by_side A B LABEL_A LABEL_B RATIO: medians of A and B per case, and B/A. "us/req" is the
# server's CPU time per request (CPU% / req/s): steadier than req/s when other work shares the
# cores.
side_by_side() {
  printf '%-10s %11s %6s %6s %7s %11s %6s %6s %7s %7s\n' "conns x k" "$3 req/s" "CPU%" "us/req" "RSS MB" \
    "$4 req/s" "CPU%" "us/req" "RSS MB" "$5"
  for c in "${cases[@]}"; do
    key="${c% *}x${c#* }"
    awk -v k="$key" -v a="$(field "$1" "$key" 3)" -v ac="$(field "$1" "$key" 9)" -v ar="$(field "$1" "$key" 11)" \
      -v b="$(field "$2" "$key" 3)" -v bc="$(field "$2" "$key" 9)" -v br="$(field "$2" "$key" 11)" \
      'BEGIN { printf "%-10s %11.0f %6s %6.1f %7s %11.0f %6s %6.1f %7s %7.2f\n", k, a, ac, (a > 0 ? ac * 1e4 / a : 0), ar, b, bc, (b > 0 ? bc * 1e4 / b : 0), br, (a > 0 ? b / a : 0) }'
  done
}
if [ "${#transports[@]}" -eq 2 ]; then
  echo "WebSocket and plain TCP, same server, interleaved (medians):"
  side_by_side stratus-ws stratus-tcp WS TCP TCP/WS
fi
if [ -n "$compare_bin" ]; then
  echo "this server and $compare_bin over WebSocket, interleaved (medians):"
  side_by_side stratus-ws cmp-ws new other other/new
fi
echo "(median of $repeat runs per case; every run is in $results)"
if [ -n "$idle_out" ]; then
  connected="$(json_field "$idle_out" connected)"
  awk -v n="$connected" -v want="$idle" -v b="$rss_before" -v i="$rss_idle" \
    -v t="$(json_field "$idle_out" connect_seconds)" -v p99="$(json_field "$idle_out" connect_p99_us)" \
    'BEGIN { printf "idle: %d/%d connections open in %.2f s (p99 %.1f ms each); server RSS %.1f MB -> %.1f MB = %.1f KB per connection\n", n, want, t, p99 / 1000, b / 1024, i / 1024, (n > 0 ? (i - b) / n : 0) }'
fi
if [ -n "$open_out" ]; then
  awk -v n="$(json_field "$open_out" connected)" -v want="$idle" \
    -v t="$(json_field "$open_out" connect_seconds)" \
    'BEGIN { printf "open without login: %d/%d connections in %.2f s\n", n, want, t }'
fi
echo "raw results: $results"
if [ "$smoke" -eq 1 ]; then
  # Every case has its row, with requests answered and no error.
  awk -v want="${#transports[@]}" '{ rows++; if ($3 <= 0 || $8 != 0) bad++ } END {
    if (rows != want || bad > 0) { printf "smoke: %d of %d cases ran, %d with errors or no requests\n", rows, want, bad; exit 1 }
    printf "smoke: %d cases, every request answered\n", rows }' "$rows_file"
fi
