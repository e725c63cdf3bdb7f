#!/bin/sh
# The release server with `metrics = false` added to its config: for
#   bench/run.sh --compare bench/metrics_off.sh
# so the echo matrix runs with per-request metrics on (the first server) and off (this one),
# interleaved, in the same run. STRATUS_BIN picks another binary.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
bin="${STRATUS_BIN:-$here/../build/release/bin/stratus}"
config=""
prev=""
for arg in "$@"; do
  [ "$prev" = "-c" ] && config="$arg"
  prev="$arg"
done
if [ -z "$config" ]; then
  echo "bench/metrics_off.sh: expects -c CONFIG" >&2
  exit 2
fi
printf '\nmetrics = false\n' >>"$config"
exec "$bin" "$@"
