"""sproto mode end to end (wire.md): each demo protocol, pushes, errors in `ud`, session
matching with many requests in flight, the 65535-byte frame limit, and ws_client_sproto.py."""

import asyncio
import os
import struct
import subprocess
import sys

import pytest
import websockets
import websockets.exceptions

from conftest import ROOT

sys.path.insert(0, str(ROOT / "clients" / "python"))
import sproto  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

SCHEMAS = wcs.load_schemas(ROOT / "proto")
C2S, S2C = SCHEMAS


def url_of(srv):
    return f"ws://{srv.host}:{srv.port}{srv.ws_path}"


def start(stratus_server, **keys):
    keys.setdefault("heartbeat_ms", 60000)  # out of the way unless a test wants it
    return stratus_server(protocol_type="sproto", **keys)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def raw_request(tag, session, body=b""):
    """A framed request with any protocol tag (even unknown ones) and raw content."""
    header = C2S.encode("package", {"type": tag, "session": session})
    return wcs.frame(sproto.pack(header + body))


def split_reply(packet):
    """(header dict, content bytes) of a framed reply."""
    plain = sproto.unpack(wcs.unframe(packet))
    header, used = C2S.decode_prefix("package", plain)
    return header, plain[used:]


async def next_reply(ws):
    """The next packet that is not a push (no `type` in its header)."""
    while True:
        packet = await asyncio.wait_for(ws.recv(), 5)
        header, content = split_reply(packet)
        if "type" not in header:
            return header, content


def test_each_demo_protocol_and_the_signin_push(stratus_server):
    srv = start(stratus_server)

    async def scenario():
        c = await wcs.SprotoClient.connect(url_of(srv), SCHEMAS)
        try:
            assert await c.call("ping") is None  # header-only reply
            await c.send("ping")  # no session: no reply at all
            assert await c.call("echo", {"data": "abc"}) == {"data": "abc"}
            assert await c.call("signup", {"userid": "alice"}) == {"ok": True}
            assert await c.call("signup", {"userid": "alice"}) == {"ok": False}
            with pytest.raises(wcs.ErrorReply) as e:
                await c.call("login")
            assert e.value.code == "UNAUTHORIZED"
            signed = await c.call("signin", {"userid": "alice"})
            assert signed["ok"] is True and len(signed["token"]) == 32  # the resume token
            push = await c.wait_push("push", 5)
            assert "alice" in push["text"]
            assert await c.call("login") == {"ok": True}
            assert c.pushes.empty()
            assert not c._waiting  # the session-less ping got no reply
        finally:
            await c.close()

    run(scenario())


def test_heartbeat_pushes_while_connected(stratus_server):
    srv = start(stratus_server, heartbeat_ms=200)

    async def scenario():
        c = await wcs.SprotoClient.connect(url_of(srv), SCHEMAS)
        try:
            loop = asyncio.get_running_loop()
            began = loop.time()
            for _ in range(3):
                assert await c.wait_push("heartbeat", 3) is None  # no request part: header only
            assert loop.time() - began >= 0.35
        finally:
            await c.close()

    run(scenario())


def test_errors_travel_in_ud_and_keep_the_connection(stratus_server):
    srv = start(stratus_server)

    async def scenario():
        async with websockets.connect(url_of(srv)) as ws:
            # Bad arguments: ud = code, then an empty response struct (00 00).
            await ws.send(raw_request(3, 7, C2S.encode("signin.request", {"userid": ""})))
            header, content = await next_reply(ws)
            assert header == {"session": 7, "ud": "BAD_REQUEST"}
            assert content[:2] == b"\0\0"
            # Unknown protocol tag: header-only error reply.
            await ws.send(raw_request(99, 8))
            header, _ = await next_reply(ws)
            assert header == {"session": 8, "ud": "UNKNOWN_MESSAGE_TYPE"}
            # A readable header with broken content.
            await ws.send(raw_request(5, 9, b"\x01\x00\x00\x00\xff\xff\xff\x00"))
            header, content = await next_reply(ws)
            assert header == {"session": 9, "ud": "INVALID_MESSAGE"}
            assert content[:2] == b"\0\0"
            # Still served afterwards.
            await ws.send(raw_request(1, 10))
            header, _ = await next_reply(ws)
            assert header == {"session": 10}

    run(scenario())


def test_repeated_malformed_packets_close_with_1008(stratus_server):
    srv = start(stratus_server, max_bad_packets=3)

    async def scenario():
        async with websockets.connect(url_of(srv)) as ws:
            for _ in range(3):
                await ws.send(b"\x00\x03\xff\xff\xff")
            with pytest.raises(websockets.exceptions.ConnectionClosed) as e:
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            assert e.value.rcvd.code == 1008

    run(scenario())


def test_hundred_requests_in_flight_match_by_session(stratus_server):
    srv = start(stratus_server)

    async def scenario():
        c = await wcs.SprotoClient.connect(url_of(srv), SCHEMAS)
        try:
            futures = {}
            for i in range(100):
                session = c.next_session()
                futures[session] = (f"payload-{i}-" + "x" * (i % 7),
                                    await c.send("echo", {"data": f"payload-{i}-" + "x" * (i % 7)},
                                                 session))
            for session, (data, future) in futures.items():
                reply, ud = await asyncio.wait_for(future, 10)
                assert ud is None
                assert reply == {"data": data}, session
        finally:
            await c.close()

    run(scenario())


def echo_body_of_size(size):
    """A packed echo request (session 1) of exactly `size` bytes."""
    host = sproto.Host(S2C)
    send = host.attach(C2S)
    n = size - 16
    while True:
        body = send("echo", {"data": "x" * n}, session=1)
        if len(body) == size:
            return body, n
        n += 1 if len(body) < size else -1


def test_largest_frame_accepted_and_larger_refused(stratus_server):
    srv = start(stratus_server, max_message_size=1 << 20)

    async def scenario():
        async with websockets.connect(url_of(srv), max_size=None) as ws:
            body, n = echo_body_of_size(65535)
            await ws.send(wcs.frame(body))
            header, content = await next_reply(ws)
            assert header == {"session": 1}
            assert C2S.decode("echo.response", content) == {"data": "x" * n}
            # One byte more cannot be framed: the client library refuses to build it ...
            body, _ = echo_body_of_size(65536)
            with pytest.raises(ValueError):
                wcs.frame(body)
            # ... and a packet that claims a smaller length gets a clear error reply.
            await ws.send(struct.pack(">H", 0xFFFF) + body)
            header, _ = await next_reply(ws)
            assert header == {"session": 1, "ud": "INVALID_MESSAGE"}
            assert "length prefix" in srv.log_text()

    run(scenario())


def test_ws_client_sproto_runs_against_the_server(stratus_server):
    srv = start(stratus_server, heartbeat_ms=300)
    script = ROOT / "clients" / "python" / "ws_client_sproto.py"
    done = subprocess.run(["/usr/bin/python3", str(script), "--url", url_of(srv), "--debug",
                           "--account", "tester", "--heartbeat-timeout", "5"],
                          capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hex:" in done.stdout
    assert "heartbeat ok" in done.stdout
    failed = subprocess.run(["/usr/bin/python3", str(script), "--url", "ws://127.0.0.1:1/"],
                            capture_output=True, text=True, timeout=30)
    assert failed.returncode != 0
