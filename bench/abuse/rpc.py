"""Request/reply over a RawClient: one request at a time, pushes skipped."""
import asyncio
import time

from wsraw import Closed, RawClient


class Refused(Exception):
    """The server answered with an error code (e.g. UNAUTHORIZED, BACKEND_UNAVAILABLE)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def failure_name(e):
    """A short name for why a request failed, for the tables."""
    if isinstance(e, Refused):
        return str(e.code)
    if isinstance(e, Closed):
        return f"closed {e.code}" if e.code is not None else "dropped"
    if isinstance(e, asyncio.TimeoutError):
        return "timeout"
    return type(e).__name__


async def call(client, codec, packet, session, timeout):
    """Sends packet and returns the detail of the reply carrying `session`; raises Refused
    on an error reply, Closed, or asyncio.TimeoutError."""
    async def wait():
        client.send(packet)
        await client.drain()
        while True:
            got, kind, detail = codec.parse(await client.recv())
            if got != session or kind == "push":
                continue
            if kind == "error":
                raise Refused(detail)
            return detail
    return await asyncio.wait_for(wait(), timeout)


def address(block, n):
    """The n-th loopback source address of a block: 127.<block>.x.y, distinct for n < 62500."""
    return f"127.{block}.{n // 250 % 250}.{n % 250 + 1}"


async def logged_in(server, codec, account, password, timeout, source=None):
    """A connection logged in as account; returns (client, token, seconds taken)."""
    start = time.monotonic()
    client = await RawClient.connect("127.0.0.1", server.port, timeout=timeout, source=source)
    try:
        left = max(0.1, timeout - (time.monotonic() - start))
        token = await call(client, codec, codec.login(1, account, password), 1, left)
    except BaseException:
        await client.close()
        raise
    return client, token, time.monotonic() - start
