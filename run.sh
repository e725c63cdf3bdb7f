#!/usr/bin/env bash
# stratus launcher, as in the skynet starter kit:
#   ./run.sh [-c FILE]       install missing packages, build (release), run in the foreground
#   ./run.sh -D [-c FILE]    the same, started as a daemon (pid file: `daemon`, log: `logger`)
#   ./run.sh -k [-c FILE]    stop the daemon started with that config; wait until it is gone
#   ./run.sh test            install, build, run every test (release, then ASan+UBSan)
#   ./run.sh cert            make a self-signed pair for local wss:// trials (config.tls)
# FILE defaults to ./config. Relative paths inside the config (run/stratus.pid, ...) are
# relative to the repository root, where this script runs the binary.
# For tests and packaging: STRATUS_BIN=/path/to/stratus uses that binary and skips the
# package check and the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stop_timeout="${STRATUS_STOP_TIMEOUT:-30}"

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

section() { printf '\n==== %s ====\n' "$*"; }

# Configures a preset once; later builds are incremental (CMake re-runs itself when needed).
configure() {
  local preset="$1"
  if [ ! -f "$root/build/$preset/build.ninja" ]; then
    cmake --preset "$preset"
  fi
}

# Makes sure bin/stratus is built and sets $bin.
ensure_binary() {
  if [ -n "${STRATUS_BIN:-}" ]; then
    bin="$STRATUS_BIN"
    return
  fi
  "$root/scripts/deps.sh"
  configure release
  cmake --build --preset release --target stratus
  bin="$root/build/release/bin/stratus"
}

run_tests() {
  local failed=0
  section "dependencies"
  "$root/scripts/deps.sh"
  section "release: build"
  configure release
  cmake --build --preset release
  section "release: tests"
  ctest --preset release -j2 || failed=1
  section "asan: build (AddressSanitizer + UndefinedBehaviorSanitizer)"
  configure asan
  cmake --build --preset asan
  section "asan: tests (without fuzz and bench labels)"
  ctest --preset asan -j2 -LE 'fuzz|bench' || failed=1
  section "summary"
  if [ "$failed" -ne 0 ]; then
    echo "FAILED: see the failing tests above"
    exit 1
  fi
  echo "all tests passed (release and asan)"
}

# A self-signed certificate for localhost (10 years), for trials only: run/tls/cert.pem and
# run/tls/key.pem, the files config.tls names. An existing pair is replaced (then send SIGHUP).
make_cert() {
  mkdir -p "$root/run/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$root/run/tls/key.pem" -out "$root/run/tls/cert.pem" 2>/dev/null
  chmod 600 "$root/run/tls/key.pem"
  echo "wrote run/tls/cert.pem and run/tls/key.pem (self-signed, CN=localhost)"
}

stop_daemon() {
  local pidfile pid fd waited=0
  pidfile="$("$bin" --print-key daemon -c "$config")"
  if ! { exec {fd}<"$pidfile"; } 2>/dev/null; then
    echo "stratus is not running (no pid file $pidfile)" >&2
    exit 1
  fi
  # The daemon holds an exclusive flock on its pid file for its whole life.
  if flock -n "$fd"; then
    echo "stratus is not running (stale pid file $pidfile)" >&2
    exit 1
  fi
  pid="$(cat "$pidfile")"
  echo "stopping stratus (pid $pid) ..."
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((stop_timeout * 10)) ]; then
      echo "stratus (pid $pid) is still running after ${stop_timeout}s" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "stratus stopped"
}

mode=foreground
config=""
while [ $# -gt 0 ]; do
  case "$1" in
    -D) mode="daemon" ;;
    -k) mode="kill" ;;
    -c)
      [ $# -ge 2 ] || { echo "run.sh: -c needs a file" >&2; usage 2; }
      config="$2"
      shift
      ;;
    test) mode="test" ;;
    cert) mode="cert" ;;
    -h | --help) usage 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
  shift
done

# The config path as the caller meant it, then work from the repository root.
config="${config:-$root/config}"
case "$config" in /*) ;; *) config="$PWD/$config" ;; esac
cd "$root"

case "$mode" in
  test) run_tests ;;
  cert) make_cert ;;
  foreground)
    ensure_binary
    exec "$bin" -c "$config"
    ;;
  daemon)
    ensure_binary
    exec "$bin" -D -c "$config"
    ;;
  kill)
    if [ -n "${STRATUS_BIN:-}" ] || [ -x "$root/build/release/bin/stratus" ]; then
      bin="${STRATUS_BIN:-$root/build/release/bin/stratus}"
    else
      ensure_binary
    fi
    stop_daemon
    ;;
esac
