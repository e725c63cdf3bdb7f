#!/usr/bin/python3
"""Login round trip on each backend: stratus-bench --request login (protobuf mode: each
connection sends game.LoginReq again and again) against a fresh stratus on
  - the embedded defaults (in-process cache, SQLite), and
  - a real redis-server and mariadbd, started here on loopback ports in a temporary folder.

Each login is a database or cache lookup of the account, an Argon2id verification (the
config's cost, libsodium INTERACTIVE by default: that is most of the time) and a token stored in
the cache. Prints one row per backend with logins/s and latency p50/p99/max.

  bench/login_latency.py [--connections 8] [--duration 10] [--password-ops 2]
                         [--password-mem-kib 65536]
Uses build/release/bin/stratus and stratus-bench (STRATUS_BIN / STRATUS_BENCH_BIN override).
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from mariadb_harness import MariadbServer  # noqa: E402
from redis_harness import RedisServer  # noqa: E402
from stratus_harness import StratusServer  # noqa: E402

SERVER = os.environ.get("STRATUS_BIN", str(ROOT / "build" / "release" / "bin" / "stratus"))
BENCH = os.environ.get("STRATUS_BENCH_BIN",
                       str(ROOT / "build" / "release" / "bin" / "stratus-bench"))


def measure(tmp, name, keys, args):
    base = {"protocol_type": "protobuf", "log_level": "warn", "password_ops": args.password_ops,
            "password_mem_kib": args.password_mem_kib,
            "migrations_dir": str(ROOT / "migrations")}
    server = StratusServer.start(SERVER, tmp / name, wait_for=None, wait_port=True, **base,
                                 **keys)
    try:
        url = f"ws://127.0.0.1:{server.port}/"
        common = [BENCH, "--url", url, "--protocol", "protobuf", "--connections",
                  str(args.connections), "--inflight", "1", "--json", "--quiet"]
        # The accounts exist before the measured run: every login is a returning player's.
        subprocess.run(common + ["--connect-only", "--duration", "0.1"], check=True,
                       capture_output=True)
        out = subprocess.run(common + ["--request", "login", "--duration", str(args.duration),
                                       "--warmup", "1"], check=True, capture_output=True,
                             text=True).stdout
        return json.loads(out)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--password-ops", type=int, default=2)
    parser.add_argument("--password-mem-kib", type=int, default=65536)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="stratus-login-") as tmp_name:
        tmp = pathlib.Path(tmp_name)
        rows.append(("memory + sqlite", measure(
            tmp, "embedded", {"cache": "memory", "db": "sqlite",
                              "sqlite_path": str(tmp / "accounts.db")}, args)))
        redis = RedisServer(tmp / "redis").start()
        mariadb = MariadbServer(tmp / "mariadb").start()
        try:
            keys = {"cache": "redis", "redis_host": redis.host, "redis_port": redis.port,
                    **mariadb.config_keys(mariadb.create_database("stratus_bench"))}
            rows.append(("redis + mariadb", measure(tmp, "real", keys, args)))
        finally:
            redis.kill()
            mariadb.kill()
    print(f"login round trip: {args.connections} connections x 1 in flight, {args.duration:g} s, "
          f"Argon2id ops={args.password_ops} mem={args.password_mem_kib} KiB, "
          f"{os.cpu_count()} cores shared by server and client")
    print(f"{'backend':<18} {'logins/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for name, r in rows:
        print(f"{name:<18} {r['requests_per_second']:>9.1f} {r['p50_us'] / 1000:>8.1f} "
              f"{r['p99_us'] / 1000:>8.1f} {r['max_us'] / 1000:>8.1f} {r['errors']:>7}")


if __name__ == "__main__":
    main()
