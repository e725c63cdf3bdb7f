"""A small WebSocket client on asyncio streams for the attack clients (RFC 6455, client side).

Unlike the `websockets` library it sends pre-built packets without waiting for anything,
never buffers the replies it does not want, and reports the server's close code, which is
what an attack bench needs. Frames are masked with a fresh random key each (RFC 6455 5.3).
"""
import asyncio
import base64
import hashlib
import os
import struct

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def mask(payload, key):
    """payload XOR the 4-byte key repeated (whole-buffer integer XOR: fast for big payloads)."""
    if not payload:
        return b""
    n = len(payload)
    keys = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(keys, "little")).to_bytes(n, "little")


def client_frame(payload, opcode=0x2):
    """One final, masked client frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = os.urandom(4)
    return head + key + mask(payload, key)


class Closed(Exception):
    """The connection ended; `code` is the server's close code (None: no close frame)."""

    def __init__(self, code, why=""):
        super().__init__(f"closed ({code if code is not None else why or 'no close frame'})")
        self.code = code


class RawClient:
    """One connection: send() queues bytes, recv() returns the next binary message."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.close_code = None
        self.ended = False  # recv() saw the end of the connection

    @classmethod
    async def connect(cls, host, port, path="/", timeout=10.0, source=None):
        """Connects and upgrades; `source` is a local address to connect from (any 127.x.y.z
        is loopback on Linux, so one machine can play many distinct clients)."""
        local = (source, 0) if source else None
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, local_addr=local), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        accept = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            writer.close()
            raise ConnectionError("upgrade refused: " + head.split(b"\r\n")[0].decode(errors="replace"))
        return cls(reader, writer)

    def send(self, packet):
        """Queues one binary message (returns at once; see drain())."""
        self.writer.write(client_frame(packet))

    def send_frames(self, frames):
        """Queues bytes that are already whole client frames."""
        self.writer.write(frames)

    async def drain(self):
        await self.writer.drain()

    async def recv(self):
        """The next binary message; answers pings; raises Closed at the end."""
        fragments = []
        while True:
            try:
                b0, b1 = await self.reader.readexactly(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", await self.reader.readexactly(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
                payload = await self.reader.readexactly(n) if n else b""
            except (asyncio.IncompleteReadError, ConnectionError) as e:
                self.ended = True
                raise Closed(self.close_code, str(e) or "eof") from None
            opcode = b0 & 0x0F
            if opcode == 0x8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                try:
                    self.writer.write(client_frame(payload[:2], 0x8))
                except (ConnectionError, RuntimeError):
                    pass
                self.ended = True
                raise Closed(self.close_code)
            if opcode == 0x9:
                self.writer.write(client_frame(payload, 0xA))
                continue
            if opcode in (0x0, 0x1, 0x2):
                fragments.append(payload)
                if b0 & 0x80:
                    return b"".join(fragments)

    async def close(self, code=1000):
        """Sends a close frame (if still possible) and drops the connection."""
        try:
            self.writer.write(client_frame(struct.pack("!H", code), 0x8))
            await asyncio.wait_for(self.writer.drain(), 1.0)
        except (ConnectionError, RuntimeError, asyncio.TimeoutError, OSError):
            pass
        self.writer.close()
