#!/usr/bin/python3
"""Debug client (protobuf mode): logs in, sends a few requests, and prints every packet sent
and received as hex and decoded. Exits 0 when every request got its reply."""
import argparse
import asyncio
import sys

import stratus_pb as pb


def show(direction, packet, header, message):
    arrow = ">>" if direction == "send" else "<<"
    print("%s %s session=%d %d bytes" % (arrow, header.msg_type, header.session_id, len(packet)))
    print("   hex: " + pb.hexdump(packet))
    for line in str(message).rstrip().splitlines():
        print("   | " + line)
    sys.stdout.flush()


async def run(args):
    client = await pb.Client.connect(args.url, on_packet=show)
    try:
        await client.login(args.account, args.password, args.timeout)
        await client.request(pb.game_pb2.PingReq, args.timeout)
        await client.request(pb.game_pb2.EchoReq, args.timeout, data=args.echo.encode())
        await client.request(pb.game_pb2.EchoReq, args.timeout, data=bytes(range(16)))
        # Pushes are printed by show() as they arrive; give the server a moment to send some.
        await asyncio.sleep(args.linger)
    finally:
        await client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    pb.add_common_args(parser)
    parser.add_argument("--echo", default="hello stratus", help="text for the first EchoReq")
    parser.add_argument("--linger", type=float, default=1.0, help="seconds to wait for pushes")
    args = pb.resolve_url(parser.parse_args())
    try:
        asyncio.run(run(args))
    except pb.FAILURES as e:
        print("error: %s" % (e or type(e).__name__), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
