"""One connection per user (wire.md "Sessions"), in both protocol modes and over both
transports: a second login kicks the first (a Kicked push, then close 4001), concurrent logins
of one account leave exactly one connection, and pushes to a logged-in session carry seq."""

import asyncio
import os
import sys

import websockets
import websockets.exceptions

from conftest import ROOT
from stratus_harness import free_port

sys.path.insert(0, str(ROOT / "clients" / "python"))
import stratus_pb  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

common_pb2, game_pb2 = stratus_pb.common_pb2, stratus_pb.game_pb2
SCHEMAS = wcs.load_schemas(ROOT / "proto")
HASH = {"password_ops": 1, "password_mem_kib": 8,
        "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def start(stratus_server, protocol):
    port = free_port()
    srv = stratus_server(protocol_type=protocol, tcp_port=port, heartbeat_ms=60000,
                         wait_port=True, **HASH)
    srv.urls = [f"ws://127.0.0.1:{srv.port}/", f"tcp://127.0.0.1:{port}"]
    return srv


async def closed_code(ws_like, timeout=5):
    """Waits until the server closes the connection; its close code (TCP: 1006, no frame)."""
    async def drain():
        try:
            async for _ in ws_like:
                pass
        except (websockets.exceptions.ConnectionClosed, ConnectionError):
            pass
    await asyncio.wait_for(drain(), timeout)
    return ws_like.close_code


def test_protobuf_second_login_kicks_the_first_with_4001(stratus_server):
    srv = start(stratus_server, "protobuf")

    async def body(first_url, second_url):
        first = await stratus_pb.Client.connect(first_url)
        login = await first.login("twice", "pw")
        welcome = await asyncio.wait_for(first.pushes.get(), 5)
        assert welcome.header.seq == 1  # the first push of the session
        second = await stratus_pb.Client.connect(second_url)
        again = await second.login("twice", "pw")
        assert again.userid == login.userid
        kicked = await asyncio.wait_for(first.pushes.get(), 5)
        assert isinstance(kicked, common_pb2.Kicked), kicked
        assert kicked.reason == "logged in elsewhere"
        assert kicked.header.seq == 2
        await asyncio.wait_for(first._reader, 5)
        if first_url.startswith("ws"):
            assert first.ws.close_code == 4001
        # The second connection goes on.
        pong = await second.request(game_pb2.PingReq)
        assert pong.server_time_ms > 0
        await second.close()

    for first_url in srv.urls:
        for second_url in srv.urls:
            run(body(first_url, second_url))


def test_sproto_second_signin_kicks_the_first_with_4001(stratus_server):
    srv = start(stratus_server, "sproto")

    async def body(first_url, second_url):
        first = await wcs.SprotoClient.connect(first_url, SCHEMAS)
        assert (await first.call("signin", {"userid": "sam"}))["ok"] is True
        await first.wait_push("push", 5)
        second = await wcs.SprotoClient.connect(second_url, SCHEMAS)
        assert (await second.call("signin", {"userid": "sam"}))["ok"] is True
        kicked = await first.wait_push("kicked", 5)
        assert kicked == {"reason": "logged in elsewhere"}
        code = await asyncio.wait_for(first.closed, 5)
        if first_url.startswith("ws"):
            assert code == 4001
        assert await second.call("login") == {"ok": True}
        await second.close()

    for first_url in srv.urls:
        for second_url in srv.urls:
            run(body(first_url, second_url))


def test_twenty_concurrent_logins_of_one_account_leave_one_connection(stratus_server):
    srv = start(stratus_server, "protobuf")

    async def body():
        clients = [await stratus_pb.Client.connect(srv.urls[0]) for _ in range(20)]
        await asyncio.gather(*(c.login("crowd", "pw") for c in clients))
        await asyncio.sleep(1.5)  # kicks travel; close handshakes finish
        alive = [c for c in clients if not c._reader.done()]
        assert len(alive) == 1, f"{len(alive)} connections survived"
        codes = sorted(c.ws.close_code for c in clients if c._reader.done())
        assert codes == [4001] * 19, codes
        assert (await alive[0].request(game_pb2.PingReq)).server_time_ms > 0
        await alive[0].close()

    run(body())
