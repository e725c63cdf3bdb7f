# shellcheck shell=bash
# Sourced by bench/run.sh and bench/instructions.sh.
# bench_config DIR PROTOCOL MAX_CONNECTIONS WS_PORT TCP_PORT: writes DIR/config, a stratus server
# for benchmarks (2 threads, memory cache, SQLite in DIR, logs in DIR, daemon pid in DIR).
bench_config() {
  cat >"$1/config" <<EOF
thread = 2
log_level = "warn"
logger = "$1/server.log"
daemon = "$1/stratus.pid"
ws_host = "127.0.0.1"
ws_port = $4
tcp_port = $5
protocol_type = "$2"
max_connections = $3
idle_timeout_ms = 600000
cache = "memory"
db = "sqlite"
sqlite_path = "$1/stratus.db"
-- The matrix measures the gateway, not Argon2id: each connection's one login (account creation
-- on the first) uses the cheapest hash. bench/login_latency.py measures logins at full cost.
password_ops = 1
password_mem_kib = 8
-- Nor the abuse defences: one client address opens every connection and each connection sends
-- thousands of requests per second, far above the per-IP and per-connection limits meant for
-- real players (bench/abuse measures those). Servers without these keys ignore them.
-- The logins of N connections opening at once all wait for the hasher: let them queue.
max_connections_per_ip = $3
max_requests_per_s = 1000000000
max_bytes_per_s = 1000000000
password_queue = $3
EOF
}
