#!/usr/bin/python3
"""bench/abuse: how a stratus server holds up under attack, in bounded time, on loopback.

  /usr/bin/python3 bench/abuse [--server PATH] [--duration S] [--only ATTACK[,ATTACK]]
                               [--baseline S] [--recovery S] [--sources N] [--json]

For each attack: a fresh release server on a free port with a temporary config (memory cache,
SQLite, default Argon2id cost); a bystander that logs a new account in every 0.5 s and
echoes 32 bytes every 20 ms; `--baseline` s of bystander alone; the attack for `--duration` s
(default 10); then `--recovery` s (default 8) of bystander alone. The table gives the
bystander's login p50/p99 (a failed login counts as infinitely slow) and echo p99 during the
attack, server RSS (VmRSS) idle > peak > held (memory attacks: their connections still open,
idle, at the end) > after, (held - idle) / connections (pb-big-echo logs its clients in before
the idle reading, so that figure is what the attack left on top of a logged-in idle
connection), server CPU (utime + stime) over the
2 s after the attack stops, the time until CPU is back to its baseline level and until the
bystander is back to normal (every login and echo within twice its baseline p99), and the
goals of the server-side defences, met or not. Attacks: wrong-password, login-burst,
sproto-zero-body, pb-big-echo, pb-big-echo-64, flood (see attacks.py). About 35 s per attack with defaults.

Every client connects to 127.0.0.1 from its own loopback source address (127.x.y.z): the
bystander's new players from 127.2.*, the attack clients from 127.1.* (one address each by
default; `--sources 1` puts a whole attack on one address, to see the limits per address).
RSS readings (idle, held, after) are taken while no bystander login is hashing (each Argon2id
hash holds 64 MiB for a moment); `peak` includes those buffers. Needs /usr/bin/python3 with
python3-websockets and python3-protobuf, and protoc (clients/python/stratus_pb.py).
"""
import argparse
import asyncio
import json
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import attacks  # noqa: E402
import packets  # noqa: E402
import report  # noqa: E402
from bystander import Bystander  # noqa: E402
from process_probe import Sampler, start_server  # noqa: E402


async def quiet_rss(bystander, sampler, now):
    """Server RSS with no bystander login under way (each holds a 64 MiB Argon2id buffer):
    pauses new logins, waits (at most 5 s) for those in flight, reads 0.5 s, resumes."""
    bystander.paused = True
    deadline = now() + 5
    while bystander.in_flight and now() < deadline:
        await asyncio.sleep(0.05)
    t0 = now()
    await asyncio.sleep(0.5)
    bystander.paused = False
    return sampler.rss_low(t0, now())


def log(text):
    print(f"[abuse {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def run_one(kind, args, tmp):
    codec = packets.codec(kind.protocol)
    server = start_server(args.server, tmp / kind.name, kind.protocol, packets.ROOT)
    epoch = time.monotonic()
    now = lambda: time.monotonic() - epoch  # noqa: E731
    sampler = Sampler(server.proc.pid, epoch)
    sampler.start()
    attack = kind(server, codec, args.sources)
    bystander = Bystander(server, codec, epoch, kind.name.replace("-", "_"))
    t = {}
    try:
        await attack.prepare()
        bystander.start()
        await asyncio.sleep(1.0)  # the echo player logs in
        t["baseline"] = now()
        await asyncio.sleep(args.baseline)
        t["baseline_end"] = now()
        t["rss_idle"] = await quiet_rss(bystander, sampler, now)
        t["attack"] = now()
        log(f"{kind.name}: attacking for {args.duration:g} s ({kind.about})")
        stop = asyncio.Event()
        task = asyncio.create_task(attack.run(stop))
        await asyncio.sleep(args.duration)
        t["held"] = now()
        t["attack_connections"] = len(attack.held)
        t["held_connections"] = sum(1 for c in attack.held if not getattr(c, "ended", False))
        if kind.memory:
            t["rss_held"] = await quiet_rss(bystander, sampler, now)
        stop.set()
        done, _ = await asyncio.wait({task}, timeout=1.0)
        if not done:
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await attack.close()
        t["stop"] = now()
        await asyncio.sleep(args.recovery)
        t["end"] = now()
        t["rss_after"] = await quiet_rss(bystander, sampler, now)
    finally:
        await bystander.stop()
        await sampler.stop()
        server.stop()
    if not kind.memory:
        t["held_connections"] = t["attack_connections"] = 0
    figures = report.figures(attack, bystander, sampler, t)
    return figures


async def main_async(args):
    chosen = [a for a in attacks.ALL if not args.only or a.name in args.only]
    rows = []
    with tempfile.TemporaryDirectory(prefix="stratus-abuse-") as tmp_name:
        for kind in chosen:
            rows.append(await run_one(kind, args, pathlib.Path(tmp_name)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=str(packets.ROOT / "build/release/bin/stratus"),
                        help="stratus binary (default build/release/bin/stratus)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per attack")
    parser.add_argument("--baseline", type=float, default=3, help="bystander-only seconds before")
    parser.add_argument("--recovery", type=float, default=8, help="seconds watched after")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None,
                        help="comma-separated attacks: " + ", ".join(a.name for a in attacks.ALL))
    parser.add_argument("--sources", type=int, default=0,
                        help="loopback addresses the attack clients share (default 0: one each; "
                             "1: all from one address, to see limits per address)")
    parser.add_argument("--json", action="store_true", help="one JSON list instead of the table")
    args = parser.parse_args()
    unknown = set(args.only or []) - {a.name for a in attacks.ALL}
    if unknown:
        parser.error("unknown attack " + ", ".join(sorted(unknown)))
    if not pathlib.Path(args.server).exists():
        parser.error(f"no server binary at {args.server}")
    args.server = str(pathlib.Path(args.server).resolve())  # the server runs in a temp folder
    rows = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(rows, indent=1, default=str))
    else:
        print(f"stratus abuse bench: {args.server}, {args.duration:g} s per attack, "
              f"{args.baseline:g} s baseline, {args.recovery:g} s watched after")
        print(report.table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
