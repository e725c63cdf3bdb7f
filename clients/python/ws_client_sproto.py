#!/usr/bin/python3
"""Debug client (sproto mode): ping, signin, echo, then waits for a `push` and a `heartbeat`
from the server. With --debug every packet is printed in hex. Exits 0 when every step worked.

Packets are ``u16 big-endian length || pack(header || content)`` (wire.md, sproto mode); the
schemas are read from proto/proto.c2s.sproto and proto/proto.s2c.sproto. SprotoClient is also
used by the integration tests.
"""
import argparse
import asyncio
import itertools
import pathlib
import struct
import sys

import websockets
import websockets.exceptions

import sproto
import tcp_link

PROTO_DIR = pathlib.Path(__file__).resolve().parents[2] / "proto"
DEFAULT_URL = "ws://127.0.0.1:8081/"


class ErrorReply(Exception):
    """The server answered a request with an error code in the header's `ud`."""

    def __init__(self, name, code):
        super().__init__("%s failed: %s" % (name, code))
        self.code = code


class ProtocolError(Exception):
    """The server sent something that is not a valid sproto-mode packet."""


def load_schemas(proto_dir=PROTO_DIR):
    """(c2s, s2c) schemas of the demo protocol."""
    proto_dir = pathlib.Path(proto_dir)
    return (sproto.parse_file(str(proto_dir / "proto.c2s.sproto")),
            sproto.parse_file(str(proto_dir / "proto.s2c.sproto")))


def frame(body):
    """The wire packet of a packed sproto message."""
    if len(body) > 0xFFFF:
        raise ValueError("a %d-byte body cannot be framed (at most 65535)" % len(body))
    return struct.pack(">H", len(body)) + body


def unframe(packet):
    """The packed body of a wire packet; ProtocolError when the prefix does not match."""
    if len(packet) < 2 or struct.unpack(">H", packet[:2])[0] != len(packet) - 2:
        raise ProtocolError("bad length prefix in %d-byte packet" % len(packet))
    return packet[2:]


def hexdump(data):
    """Bytes as space-separated hex."""
    return " ".join("%02x" % b for b in data)


class SprotoClient:
    """One WebSocket connection in sproto mode: requests matched to replies by session,
    server pushes collected in `pushes` (an asyncio.Queue of (name, args))."""

    def __init__(self, ws, schemas, debug=False):
        self.ws = ws
        c2s, s2c = schemas
        self.host = sproto.Host(s2c)          # decodes pushes and our replies
        self.send_request = self.host.attach(c2s)
        self.debug = debug
        self.pushes = asyncio.Queue()
        self.last_seq = 0   # the `seq` of the last push received (wire.md "Sessions")
        self.seqs = []      # (push name, seq) of every push, in arrival order
        self.closed = asyncio.get_running_loop().create_future()
        self._waiting = {}
        self._sessions = itertools.count(1)
        self._reader = asyncio.create_task(self._read_loop())

    @classmethod
    async def connect(cls, url, schemas=None, debug=False, **kwargs):
        """Opens a connection to url (schemas default to proto/)."""
        if url.startswith("tcp://"):
            ws = await tcp_link.TcpLink.connect(url, tcp_link.SPROTO_PREFIX)
        else:
            ws = await websockets.connect(url, max_size=None, **kwargs)
        return cls(ws, schemas or load_schemas(), debug)

    def _show(self, arrow, packet, what):
        if self.debug:
            print("%s %s (%d bytes)\n   hex: %s" % (arrow, what, len(packet), hexdump(packet)))
            sys.stdout.flush()

    async def send_raw(self, packet, what="raw"):
        """Sends one binary WebSocket message as is."""
        self._show(">>", packet, what)
        await self.ws.send(packet)

    def next_session(self):
        """A session number not used before on this connection."""
        return next(self._sessions)

    async def send(self, name, args=None, session=None):
        """Sends a request; returns a future for its (args, ud) when session is given."""
        packet = frame(self.send_request(name, args, session=session))
        future = None
        if session is not None:
            future = asyncio.get_running_loop().create_future()
            self._waiting[session] = (name, future)
        await self.send_raw(packet, "%s session=%s" % (name, session))
        return future

    async def call(self, name, args=None, timeout=5.0):
        """Sends a request with a fresh session and returns the reply's args; raises
        ErrorReply when the reply carries an error code in `ud`."""
        future = await self.send(name, args, self.next_session())
        reply, ud = await asyncio.wait_for(future, timeout)
        if ud is not None:
            raise ErrorReply(name, ud)
        return reply

    async def wait_push(self, name, timeout=5.0):
        """Waits for a push called name (other pushes are dropped); returns its args."""
        async def first():
            while True:
                push, args = await self.pushes.get()
                if push == name:
                    return args
        return await asyncio.wait_for(first(), timeout)

    async def _read_loop(self):
        try:
            async for packet in self.ws:
                if isinstance(packet, str):
                    raise ProtocolError("text message from the server")
                message = self.host.dispatch(unframe(packet))
                if message[0] == "REQUEST":
                    self._show("<<", packet, "push %s %r" % (message.name, message.args))
                    seq = self.host.last_header.get("seq")
                    if seq:
                        self.last_seq = seq
                    self.seqs.append((message.name, seq or 0))
                    self.pushes.put_nowait((message.name, message.args))
                    continue
                self._show("<<", packet, "reply session=%d %r ud=%r" %
                           (message.session, message.args, message.ud))
                name, future = self._waiting.pop(message.session, (None, None))
                if future is not None and not future.done():
                    future.set_result((message.args, message.ud))
            error = ConnectionError("connection closed (%s)" % self.ws.close_code)
        except (ProtocolError, sproto.SprotoError) as e:
            error = ProtocolError("bad packet from the server: %s" % e)
        except websockets.exceptions.ConnectionClosed as e:
            error = ConnectionError("connection closed (%s)" % e)
        for _, future in self._waiting.values():
            if not future.done():
                future.set_exception(error)
        self._waiting.clear()
        if not self.closed.done():
            self.closed.set_result(self.ws.close_code)

    async def close(self):
        """Closes the connection and stops the reader."""
        await self.ws.close()
        await asyncio.gather(self._reader, return_exceptions=True)


FAILURES = (ErrorReply, ProtocolError, sproto.SprotoError, ConnectionError, OSError,
            asyncio.TimeoutError, websockets.exceptions.WebSocketException)


async def run(args):
    client = await SprotoClient.connect(args.url, load_schemas(args.proto_dir), args.debug)
    try:
        await client.send("ping")                       # no session: no reply expected
        await client.call("ping", timeout=args.timeout)
        print("ping ok")
        reply = await client.call("signin", {"userid": args.account}, args.timeout)
        if not reply.get("ok"):
            raise ErrorReply("signin", "ok=false")
        print("signin %s ok" % args.account)
        reply = await client.call("echo", {"data": args.echo}, args.timeout)
        if reply.get("data") != args.echo:
            raise ProtocolError("echo returned %r" % reply.get("data"))
        print("echo ok")
        push = await client.wait_push("push", args.timeout)
        print("push: %s" % push.get("text"))
        await client.wait_push("heartbeat", args.heartbeat_timeout)
        print("heartbeat ok")
    finally:
        await client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL,
                        help="server URL, ws://... or tcp://HOST:PORT (default %(default)s)")
    parser.add_argument("--tcp", type=int, nargs="?", const=8082, metavar="PORT",
                        help="use the plain TCP listener (tcp_port, default 8082) on --url's host")
    parser.add_argument("--account", default="demo", help="userid for signin")
    parser.add_argument("--echo", default="hello stratus", help="text sent with echo")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for a reply")
    parser.add_argument("--heartbeat-timeout", type=float, default=12.0,
                        help="seconds to wait for a heartbeat push")
    parser.add_argument("--proto-dir", default=str(PROTO_DIR), help="folder of the .sproto files")
    parser.add_argument("--debug", action="store_true", help="print every packet in hex")
    args = parser.parse_args()
    if args.tcp:
        args.url = tcp_link.tcp_url(args.url, args.tcp)
    try:
        asyncio.run(run(args))
    except FAILURES as e:
        print("error: %s" % (e or type(e).__name__), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
