#!/usr/bin/python3
"""Long-connection client (protobuf mode): stays connected, pings every --interval seconds,
prints pushes (game.Notice), and reconnects with exponential backoff when the connection
drops. Exits 0 on Ctrl-C/SIGTERM or after --count pings; 1 after --max-retries failures."""
import argparse
import asyncio
import signal
import sys
import time

import stratus_pb as pb


def log(text):
    print("%s %s" % (time.strftime("%H:%M:%S"), text), flush=True)


async def print_pushes(client):
    while True:
        message = await client.pushes.get()
        if message is None:
            return
        name = message.DESCRIPTOR.full_name
        if isinstance(message, pb.game_pb2.Notice):
            log("push %s: %s" % (name, message.text))
        elif isinstance(message, pb.common_pb2.Error):
            log("error push: %s: %s" % (message.code, message.message))
        else:
            log("push %s: %s" % (name, str(message).replace("\n", " ")))


class state:
    """What survives a reconnect."""

    def __init__(self):
        self.pings = 0
        self.logged_in = False


async def one_connection(args, stop, st):
    """Connects, logs in and pings until stop or --count; returns True when finished."""
    client = await pb.Client.connect(args.url)
    pushes = asyncio.get_running_loop().create_task(print_pushes(client))
    try:
        login = await client.login(args.account, args.password, args.timeout)
        st.logged_in = True
        log("connected to %s, logged in as %s (userid %d)" % (args.url, args.account, login.userid))
        while not stop.is_set():
            sent = time.monotonic()
            ping = await client.request(pb.game_pb2.PingReq, args.timeout)
            st.pings += 1
            log("ping %d: server_time_ms=%d rtt=%.1f ms"
                % (st.pings, ping.server_time_ms, (time.monotonic() - sent) * 1000))
            if args.count and st.pings >= args.count:
                return True
            try:
                await asyncio.wait_for(stop.wait(), args.interval)
            except asyncio.TimeoutError:
                pass
        return True
    finally:
        pushes.cancel()
        await client.close()


async def run(args):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    st = state()
    delay, failures = args.backoff_min, 0
    while not stop.is_set():
        st.logged_in = False
        task = loop.create_task(one_connection(args, stop, st))
        stopper = loop.create_task(stop.wait())
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            break
        try:
            if task.result():
                break
        except pb.FAILURES as e:
            failures += 1
            if st.logged_in:
                delay, failures = args.backoff_min, 1
            if args.max_retries and failures > args.max_retries:
                log("giving up after %d failed attempts: %s" % (failures, e or type(e).__name__))
                return 1
            log("connection lost (%s); reconnecting in %.1f s" % (e or type(e).__name__, delay))
            try:
                await asyncio.wait_for(stop.wait(), delay)
            except asyncio.TimeoutError:
                pass
            delay = min(delay * 2, args.backoff_max)
    log("stopped after %d pings" % st.pings)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    pb.add_common_args(parser)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between pings")
    parser.add_argument("--count", type=int, default=0, help="exit 0 after N pings (0: never)")
    parser.add_argument("--backoff-min", type=float, default=0.5, help="first reconnect delay")
    parser.add_argument("--backoff-max", type=float, default=30.0, help="longest reconnect delay")
    parser.add_argument("--max-retries", type=int, default=0,
                        help="exit 1 after N failed attempts in a row (0: retry forever)")
    args = pb.resolve_url(parser.parse_args())
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
