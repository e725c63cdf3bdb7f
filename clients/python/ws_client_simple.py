#!/usr/bin/python3
"""Smoke-test client (protobuf mode): login, ping, echo, then exit 0. Exits 1 with a message
on an error reply, a mismatched reply, a timeout or a dropped connection."""
import argparse
import asyncio
import sys

import stratus_pb as pb


async def run(args):
    client = await pb.Client.connect(args.url)
    try:
        login = await client.login(args.account, args.password, args.timeout)
        print("login ok: userid=%d expires_in=%d" % (login.userid, login.expires_in))
        ping = await client.request(pb.game_pb2.PingReq, args.timeout)
        print("ping ok: server_time_ms=%d" % ping.server_time_ms)
        data = args.echo.encode()
        echo = await client.request(pb.game_pb2.EchoReq, args.timeout, data=data)
        if echo.data != data:
            raise pb.WireError("echo mismatch: sent %r, got %r" % (data, echo.data))
        print("echo ok: %r" % echo.data.decode(errors="replace"))
    finally:
        await client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    pb.add_common_args(parser)
    parser.add_argument("--echo", default="hello stratus", help="text to echo")
    args = pb.resolve_url(parser.parse_args())
    try:
        asyncio.run(run(args))
    except pb.ErrorReply as e:
        print("error reply: %s" % e, file=sys.stderr)
        return 1
    except asyncio.TimeoutError:
        print("error: no reply within %.1f s" % args.timeout, file=sys.stderr)
        return 1
    except pb.FAILURES as e:
        print("error: %s" % (e or type(e).__name__), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
