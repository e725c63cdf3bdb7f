#!/usr/bin/python3
"""Long-connection client (protobuf mode): stays connected, pings every --interval seconds,
prints pushes (game.Notice), and reconnects with exponential backoff when the connection
drops; a reconnect first resumes the session (wire.md "Sessions": token + the last push seq),
printing how many missed pushes were replayed, and logs in again only on RESUME_EXPIRED.
Kicked (4001/4002) ends it. Exits 0 on Ctrl-C/SIGTERM or after --count pings; 1 after
--max-retries failures or a kick."""
import argparse
import asyncio
import signal
import sys
import time

import stratus_pb as pb


def log(text):
    print("%s %s" % (time.strftime("%H:%M:%S"), text), flush=True)


async def print_pushes(client, st):
    while True:
        message = await client.pushes.get()
        if message is None:
            return
        if message.header.seq:
            st.last_seq = message.header.seq
        name = message.DESCRIPTOR.full_name
        if isinstance(message, pb.common_pb2.Kicked):
            st.kicked = message.reason
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
        self.token = ""     # the session to resume
        self.last_seq = 0   # the seq of the last push received
        self.kicked = None  # the reason of a Kicked push: do not come back


async def one_connection(args, stop, st):
    """Connects, logs in and pings until stop or --count; returns True when finished."""
    client = await pb.Client.connect(args.url)
    pushes = None
    try:
        userid = None
        if st.token:
            try:
                resumed = await client.resume(st.token, st.last_seq, args.timeout)
                userid = resumed.userid
                log("connected to %s, resumed the session of userid %d: %d missed pushes replayed"
                    % (args.url, userid, resumed.replayed))
            except pb.ErrorReply as e:
                if e.code != "RESUME_EXPIRED":
                    raise
                log("resume refused (RESUME_EXPIRED): logging in again")
                st.token, st.last_seq = "", 0
        # Pushes are read from here on: the replayed ones follow the resume reply.
        pushes = asyncio.get_running_loop().create_task(print_pushes(client, st))
        if userid is None:
            # A new session numbers its pushes from 1; reset before the login, since its
            # welcome push may be read before the login call returns.
            st.last_seq = 0
            login = await client.login(args.account, args.password, args.timeout)
            st.token = login.token
            log("connected to %s, logged in as %s (userid %d)"
                % (args.url, args.account, login.userid))
        st.logged_in = True
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
        if pushes is not None:
            await asyncio.sleep(0)  # pushes already received are printed first
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
            if st.kicked is not None:
                log("kicked by the server (%s): not reconnecting" % st.kicked)
                return 1
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
