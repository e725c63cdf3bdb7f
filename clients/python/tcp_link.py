"""A plain TCP connection to stratus's `tcp_port`, shaped like a `websockets` connection so the
clients use either transport: send(packet), recv(), `async for packet in link`, close(),
close_code. Packets keep their length prefix, exactly as a WebSocket message carries them:
sproto 2 bytes big-endian, protobuf 4 bytes little-endian (wire.md; skynet's gate framing)."""

import asyncio
import struct
import urllib.parse

SPROTO_PREFIX = (2, ">H")
PROTOBUF_PREFIX = (4, "<I")


def tcp_url(url, tcp_port=None):
    """`url` as a tcp:// URL: kept when it is one; else its host with tcp_port."""
    if url.startswith("tcp://"):
        return url
    host = urllib.parse.urlsplit(url).hostname or "127.0.0.1"
    return "tcp://%s:%d" % (host, tcp_port or 8082)


class TcpLink:
    """One TCP connection; packets in and out whole, prefix included."""

    def __init__(self, reader, writer, prefix):
        self._reader = reader
        self._writer = writer
        self._size, self._format = prefix
        self.close_code = None  # None while open; 1000 after close(), 1006 when the server left

    @classmethod
    async def connect(cls, url, prefix, ssl=None):
        """Opens tcp://HOST:PORT (inside TLS with `ssl`, an ssl.SSLContext: tcp_tls)."""
        parts = urllib.parse.urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port, ssl=ssl)
        return cls(reader, writer, prefix)

    async def send(self, packet):
        if self.close_code is not None:
            raise ConnectionError("connection closed")
        self._writer.write(packet)
        await self._writer.drain()

    async def recv(self):
        """The next packet; ConnectionError once the server closed the connection."""
        try:
            head = await self._reader.readexactly(self._size)
            (length,) = struct.unpack(self._format, head)
            return head + await self._reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionResetError) as e:
            if self.close_code is None:
                self.close_code = 1006
            raise ConnectionError("connection closed by the server") from e

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.recv()
        except ConnectionError:
            raise StopAsyncIteration from None

    def abort(self):
        """Drops the connection at once, as a lost network would (no orderly close)."""
        self.close_code = 1006
        self._writer.transport.abort()

    async def close(self):
        if self.close_code is None:
            self.close_code = 1000
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            pass
