"""Drain on SIGTERM (wire.md "Sessions": drain): requests in progress finish and their replies
go out, then every connection is closed with 1001, no session is kept for a resume, and the
server exits 0 within drain_timeout_ms."""

import asyncio
import os
import signal
import sys
import threading
import time

import websockets.exceptions

from conftest import ROOT

sys.path.insert(0, str(ROOT / "clients" / "python"))
import stratus_pb  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

game_pb2 = stratus_pb.game_pb2
SCHEMAS = wcs.load_schemas(ROOT / "proto")
MIGRATIONS = os.path.join(os.path.abspath(ROOT), "migrations")


def stop_in_background(srv):
    """SIGTERM now; the exit code lands in the returned dict (key "code") when it exits."""
    out = {}
    thread = threading.Thread(target=lambda: out.update(code=srv.stop(signal.SIGTERM, 20)))
    thread.start()
    out["thread"] = thread
    return out


def test_sigterm_delivers_every_login_in_progress_then_1001_then_exit_0(stratus_server):
    # A real password hash (16 MiB, 2 passes) per login: ten logins keep the two hashing
    # threads busy for a while, so SIGTERM lands while most are still in progress.
    srv = stratus_server(protocol_type="protobuf", password_ops=2, password_mem_kib=16384,
                         migrations_dir=MIGRATIONS, drain_timeout_ms=10000, wait_port=True)

    async def body():
        clients = [await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/")
                   for _ in range(10)]
        logins = [asyncio.ensure_future(c.login(f"drain{i}", "pw", timeout=15))
                  for i, c in enumerate(clients)]
        await asyncio.sleep(0.05)
        assert sum(f.done() for f in logins) < 10, "every login finished before SIGTERM"
        started = time.monotonic()
        stopping = stop_in_background(srv)
        replies = await asyncio.gather(*logins, return_exceptions=True)
        failures = [r for r in replies if isinstance(r, Exception)]
        assert not failures, failures
        assert all(r.userid > 0 and len(r.token) == 32 for r in replies)
        for c in clients:
            await asyncio.wait_for(c._reader, 10)
            assert c.ws.close_code == 1001, c.ws.close_code
            assert c.ws.close_reason == "server shutting down"
        await asyncio.to_thread(stopping["thread"].join, 25)
        assert stopping["code"] == 0
        assert time.monotonic() - started < 10
        # A new connection during the drain is refused (the listener is closed).
        try:
            await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/", open_timeout=1)
            assert False, "connected to a draining server"
        except (OSError, asyncio.TimeoutError, Exception):
            pass

    asyncio.run(asyncio.wait_for(body(), 60))
    assert "drain: every connection finished" in srv.log_text()


def test_sigterm_with_sproto_requests_under_load_answers_all_then_1001(stratus_server):
    srv = stratus_server(protocol_type="sproto", heartbeat_ms=60000, wait_port=True,
                         password_ops=1, password_mem_kib=8, migrations_dir=MIGRATIONS)

    async def body():
        clients = [await wcs.SprotoClient.connect(f"ws://127.0.0.1:{srv.port}/", SCHEMAS)
                   for _ in range(8)]
        for i, c in enumerate(clients):
            await c.call("signin", {"userid": f"dr{i}"})
        sent = []

        async def load(c):
            # Echoes in a loop: each waits for its reply, so one is in flight at SIGTERM.
            n = 0
            while True:
                try:
                    reply = await c.call("echo", {"data": f"x{n}"}, timeout=10)
                except (ConnectionError, websockets.exceptions.ConnectionClosed):
                    return  # sent after the drain began: not served, the close follows
                assert reply == {"data": f"x{n}"}
                sent.append(n)
                n += 1

        tasks = [asyncio.ensure_future(load(c)) for c in clients]
        await asyncio.sleep(0.5)
        stopping = stop_in_background(srv)
        await asyncio.wait_for(asyncio.gather(*tasks), 15)
        codes = [await asyncio.wait_for(c.closed, 5) for c in clients]
        assert codes == [1001] * 8
        await asyncio.to_thread(stopping["thread"].join, 25)
        assert stopping["code"] == 0
        assert len(sent) > 8

    asyncio.run(asyncio.wait_for(body(), 60))
