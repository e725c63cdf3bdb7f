#!/usr/bin/env bash
# Installs the Debian packages stratus needs to build, run and test. Idempotent:
# installs only what is missing; as root it runs apt-get, otherwise it prints
# the exact command to run and exits non-zero.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libboost1.81-dev libprotobuf-dev protobuf-compiler liblua5.4-dev
  libspdlog-dev libfmt-dev libhiredis-dev libmariadb-dev libsqlite3-dev libsodium-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev prometheus-cpp-dev
  redis-server mariadb-server python3 python3-websockets python3-protobuf python3-pytest
  python3-prometheus-client nats-server libnats-dev libprotobuf-c-dev libssl-dev openssl
  nodejs chromium
)
# Debian's npm is a separate package; NodeSource's nodejs bundles it (and conflicts with it).
command -v npm >/dev/null 2>&1 || packages+=(npm)

# The npm packages of the JS SDK (clients/js) and of the browser tests (tests/browser:
# playwright-core, which drives the Debian chromium above; it downloads no browser), exactly as
# their lock files say; skipped when present. The SDK's tests need Node >= 20.10 (WebSocket
# behind --experimental-websocket) or >= 22.
js_deps() {
  local root dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for dir in "$root/clients/js" "$root/tests/browser"; do
    if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules" ] && command -v npm >/dev/null 2>&1; then
      (cd "$dir" && npm ci --no-audit --no-fund)
    fi
  done
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  js_deps
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "stratus needs these Debian packages; install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Package scripts must not start redis/mariadb services: tests start their own.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.stratus
if [ ! -e /usr/sbin/policy-rc.d ]; then
  cp /usr/sbin/policy-rc.d.stratus /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
rm -f /usr/sbin/policy-rc.d.stratus
apt-get install -y -qq --no-install-recommends "${missing[@]}"
js_deps
