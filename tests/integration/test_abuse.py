"""Hostile clients against the real server: what the attacker gets, and that a bystander is
still served. Each test says what each kind of abuse receives:

- wrong passwords in a loop: UNAUTHORIZED for the first login_max_failures, then RATE_LIMITED
  at once (no hash computed) for login_lockout_s;
- more logins at once than the password lane holds: RATE_LIMITED, never BACKEND_UNAVAILABLE;
- requests or bytes over the per-connection budget: RATE_LIMITED, then close 1008;
- queued bytes over max_pending_bytes: close 1008;
- a sproto packet that would unpack past 256 KiB: INVALID_MESSAGE (counted as malformed);
- more connections from one address than max_connections_per_ip: HTTP 503;
- a cache outage during a token check: BACKEND_UNAVAILABLE; a read-only database during
  signup: BACKEND_UNAVAILABLE (not "name taken").
Memory figures are read from /proc/PID/status while the attacking connections stay open.
"""

import asyncio
import os
import signal
import socket
import struct
import sys
import time

import pytest
import websockets
import websockets.exceptions

from conftest import ROOT
from conftest import BIN
from stratus_harness import rss_kib as pid_rss_kib, sanitized, wait_until
from test_sproto_mode import echo_body_of_size

sys.path.insert(0, str(ROOT / "clients" / "python"))
import sproto  # noqa: E402
import stratus_pb  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

common_pb2, game_pb2 = stratus_pb.common_pb2, stratus_pb.game_pb2
SCHEMAS = wcs.load_schemas(ROOT / "proto")
C2S, S2C = SCHEMAS
MIGRATIONS = os.path.join(os.path.abspath(ROOT), "migrations")
# Cheap enough to run many hashes under ASan, costly enough that a hash is real work.
HASH = {"password_ops": 1, "password_mem_kib": 4096, "migrations_dir": MIGRATIONS}


def url(srv):
    return f"ws://127.0.0.1:{srv.port}/"


def run(coro, timeout=120):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def rss_kib(srv):
    return pid_rss_kib(srv.proc.pid)


def settled_rss(srv, seconds=1.0):
    """RSS after the server had a moment to give memory back (median of a few reads)."""
    time.sleep(seconds)
    reads = []
    for _ in range(5):
        reads.append(rss_kib(srv))
        time.sleep(0.1)
    return sorted(reads)[2]


async def error_code(coro):
    try:
        await coro
    except stratus_pb.ErrorReply as e:
        return e.error.code
    return "OK"


def test_wrong_password_storm_is_rate_limited_and_a_bystander_logs_in(stratus_server):
    srv = stratus_server(protocol_type="protobuf", wait_port=True, **HASH)

    async def body():
        owner = await stratus_pb.Client.connect(url(srv))
        await owner.login("victim", "right password")
        await owner.close()
        outcomes = {}
        stop = time.monotonic() + 3.0

        async def attacker(i):
            # A client that keeps going after RATE_LIMITED is closed (1008): it reconnects.
            while time.monotonic() < stop:
                c = await stratus_pb.Client.connect(url(srv))
                try:
                    while time.monotonic() < stop:
                        code = await error_code(c.login("victim", f"guess{i}"))
                        outcomes[code] = outcomes.get(code, 0) + 1
                except ConnectionError:
                    outcomes["closed"] = outcomes.get("closed", 0) + 1
                    assert c.ws.close_code == 1008
                finally:
                    await c.close()

        async def bystander():
            results = []
            n = 0
            while time.monotonic() < stop:
                c = await stratus_pb.Client.connect(url(srv))
                t0 = time.monotonic()
                results.append((await error_code(c.login(f"newcomer{n}", "pw")),
                                time.monotonic() - t0))
                await c.close()
                n += 1
                await asyncio.sleep(0.2)
            return results

        tasks = [asyncio.create_task(attacker(i)) for i in range(16)]
        seen = await bystander()
        await asyncio.gather(*tasks)
        return outcomes, seen

    outcomes, seen = run(body())
    # Only the first few guesses were hashed; every later one was refused unhashed.
    assert outcomes.get("UNAUTHORIZED", 0) <= 5 + 16, outcomes
    assert outcomes.get("RATE_LIMITED", 0) > 10 * outcomes.get("UNAUTHORIZED", 0), outcomes
    assert set(outcomes) <= {"UNAUTHORIZED", "RATE_LIMITED", "closed"}, outcomes
    assert outcomes.get("closed", 0) >= 16, outcomes  # each attacker was cut off at least once
    # The bystander was served all along (new accounts, the same address as the attack).
    assert len(seen) >= 5 and all(code == "OK" for code, _ in seen), seen


def test_login_burst_gets_fast_clear_answers_and_retries_succeed(stratus_server):
    srv = stratus_server(protocol_type="protobuf", wait_port=True, password_queue=8,
                         password_concurrency=2, **HASH)

    async def body():
        clients = [await stratus_pb.Client.connect(url(srv)) for _ in range(40)]
        codes = await asyncio.gather(*(error_code(c.login(f"burst{i}", "pw"))
                                       for i, c in enumerate(clients)))
        # A refused login is refused at once; its retry (after the burst) succeeds.
        retried = []
        for i, (c, code) in enumerate(zip(clients, codes)):
            if code != "OK":
                retried.append(await error_code(c.login(f"burst{i}", "pw")))
        for c in clients:
            await c.close()
        return codes, retried

    codes, retried = run(body())
    assert set(codes) <= {"OK", "RATE_LIMITED"}, codes
    # Those the lane could hold (8 waiting, 2 hashing, give or take timing) were served; the
    # rest heard RATE_LIMITED at once.
    assert codes.count("OK") >= 5 and "RATE_LIMITED" in codes, codes
    assert set(retried) == {"OK"}, retried


def test_sproto_zero_bomb_is_refused_and_memory_returns(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True, heartbeat_ms=60000)
    count = 120

    async def body():
        idle = [await websockets.connect(url(srv), max_size=None) for _ in range(count)]
        await asyncio.sleep(0.5)
        before = settled_rss(srv)
        bomb = struct.pack(">H", 65533) + b"\0" * 65533
        for ws in idle:
            await ws.send(bomb)
        # Each gets no reply (no session can be read from zeros) and stays open; the server
        # logged the refusal.
        await asyncio.sleep(1.0)
        after = settled_rss(srv)
        # A request with a session still works on an attacked connection.
        c = wcs.SprotoClient(idle[0], SCHEMAS)
        assert await c.call("echo", {"data": "still here"}) == {"data": "still here"}
        for ws in idle[1:]:
            await ws.close()
        await c.close()
        return before, after

    before, after = run(body())
    assert "unpacks to over 256 KiB" in srv.log_text()
    per_connection = (after - before) / count
    if not sanitized(BIN):  # ASan keeps freed memory in quarantine
        assert per_connection < 48, f"{per_connection:.1f} KiB kept per attacked connection"


def test_large_echo_pipeline_is_bounded_in_bytes(stratus_server):
    # A byte budget of 256 KiB/s (default 1 MiB/s): a sanitized server on a loaded machine may
    # read 15 MB of pipelined echoes slower than the default budget, and never be over it.
    srv = stratus_server(protocol_type="protobuf", wait_port=True, max_bytes_per_s=262144,
                         **HASH)

    async def body():
        before = settled_rss(srv, 0.5)
        closes = []

        async def attacker(i):
            c = await stratus_pb.Client.connect(url(srv))
            await c.login(f"piper{i}", "pw")
            data = os.urandom(60 * 1024)
            for session in range(2, 257):
                msg = stratus_pb.request_message(game_pb2.EchoReq, session, c.token, data=data)
                try:
                    await c.ws.send(stratus_pb.frame(msg))
                except websockets.exceptions.ConnectionClosed:
                    break
            try:
                await asyncio.wait_for(asyncio.shield(c._reader), 20)  # until the server closes
            except asyncio.TimeoutError:
                pass
            closes.append(c.ws.close_code)
            await c.close()

        await asyncio.gather(*(attacker(i) for i in range(8)))
        return before, closes

    before, closes = run(body())
    peak_note = rss_kib(srv)
    # Each pipeliner was cut off (1008) once its queued bytes or its byte budget ran out.
    assert closes.count(1008) >= 6, closes
    after = settled_rss(srv)
    if not sanitized(BIN):  # ASan keeps freed memory in quarantine
        assert after - before < 24 * 1024, f"RSS grew {after - before} KiB (now {peak_note})"


def test_request_flood_gets_rate_limited_then_closed(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True, max_requests_per_s=50,
                         heartbeat_ms=60000)

    async def body():
        ws = await websockets.connect(url(srv), max_size=None)
        host = sproto.Host(S2C)
        send = host.attach(C2S)
        codes = []
        try:
            for session in range(1, 1000):
                await ws.send(wcs.frame(send("ping", None, session=session)))
            while True:
                packet = await asyncio.wait_for(ws.recv(), 5)
                msg = host.dispatch(wcs.unframe(packet))
                if msg[0] == "RESPONSE":
                    codes.append(msg.ud or "OK")
        except websockets.exceptions.ConnectionClosed:
            pass
        return codes, ws.close_code

    codes, close_code = run(body())
    assert close_code == 1008
    assert 90 <= codes.count("OK") <= 110, codes.count("OK")  # the burst (2 x 50 per s)
    assert codes.count("RATE_LIMITED") >= 50


def test_connections_per_address_are_capped(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True, max_connections_per_ip=3)

    async def body():
        kept = [await websockets.connect(url(srv)) for _ in range(3)]
        with pytest.raises(websockets.exceptions.InvalidStatusCode) as e:
            await websockets.connect(url(srv))
        assert e.value.status_code == 503
        await kept[0].close()
        await asyncio.sleep(0.2)
        again = await websockets.connect(url(srv))  # a slot came free
        for ws in kept[1:] + [again]:
            await ws.close()

    run(body())


def test_largest_sproto_packet_fits_the_default_message_size(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True, heartbeat_ms=60000)

    async def body():
        c = await wcs.SprotoClient.connect(url(srv), SCHEMAS)
        _, n = echo_body_of_size(65535)
        packet = wcs.frame(c.send_request("echo", {"data": "x" * n}, session=7))
        assert len(packet) == 65537
        fut = asyncio.get_running_loop().create_future()
        c._waiting[7] = ("echo", fut)
        await c.send_raw(packet)
        reply, ud = await asyncio.wait_for(fut, 5)
        assert ud is None and reply == {"data": "x" * n}
        await c.close()

    run(body())


def test_unknown_sproto_tag_error_carries_an_empty_response_struct(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True, heartbeat_ms=60000)

    async def body():
        async with websockets.connect(url(srv)) as ws:
            header = C2S.encode("package", {"type": 99, "session": 5})
            await ws.send(wcs.frame(sproto.pack(header)))
            packet = await asyncio.wait_for(ws.recv(), 5)
            plain = sproto.unpack(wcs.unframe(packet))
            decoded, used = C2S.decode_prefix("package", plain)
            assert decoded == {"session": 5, "ud": "UNKNOWN_MESSAGE_TYPE"}
            assert plain[used:used + 2] == b"\0\0"

    run(body())


def test_frames_sent_with_the_upgrade_request_are_not_lost(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True, heartbeat_ms=60000)
    request = (f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode()
    host = sproto.Host(S2C)
    payload = wcs.frame(host.attach(C2S)("echo", {"data": "early"}, session=3))
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    frame = bytes([0x82, 0x80 | len(payload)]) + mask + masked
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(request + frame)  # one write: the frame travels with the request
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        head, rest = data.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101")
        while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7F):
            rest += s.recv(4096)
        reply = rest[2:2 + (rest[1] & 0x7F)]
        msg = host.dispatch(wcs.unframe(reply))
        assert msg.session == 3 and msg.args == {"data": "early"}


def test_cache_outage_during_a_token_check_is_backend_unavailable(stratus_server, redis_server):
    redis = redis_server()
    srv = stratus_server(protocol_type="protobuf", wait_port=True, cache="redis",
                         redis_host="127.0.0.1", redis_port=redis.port, redis_timeout_ms=300,
                         **HASH)

    async def body():
        c = await stratus_pb.Client.connect(url(srv))
        await c.login("tokened", "pw")
        token = c.token
        await c.close()
        redis.kill()
        c2 = await stratus_pb.Client.connect(url(srv))
        c2.token = token  # a reconnect presenting its valid token
        code = await error_code(c2.request(game_pb2.PingReq))
        await c2.close()
        return code

    assert run(body()) == "BACKEND_UNAVAILABLE"


def test_read_only_database_during_signup_is_backend_unavailable(stratus_server, mariadb_server):
    db = mariadb_server.create_database()
    # A user without the privilege to write through read_only (the harness's user has them all).
    mariadb_server._root_sql(f"CREATE USER IF NOT EXISTS 'plain'@'%' IDENTIFIED BY 'pw';"
                             f"GRANT ALL PRIVILEGES ON `{db}`.* TO 'plain'@'%'; FLUSH PRIVILEGES;")
    keys = dict(mariadb_server.config_keys(db), mysql_user="plain", mysql_password="pw")
    srv = stratus_server(protocol_type="sproto", wait_port=True, heartbeat_ms=60000, **keys,
                         **HASH)

    async def body():
        c = await wcs.SprotoClient.connect(url(srv), SCHEMAS)
        assert await c.call("signup", {"userid": "first"}) == {"ok": True}
        mariadb_server._root_sql("SET GLOBAL read_only = 1")
        try:
            with pytest.raises(wcs.ErrorReply) as e:
                await c.call("signup", {"userid": "second"})
            assert e.value.code == "BACKEND_UNAVAILABLE"
        finally:
            mariadb_server._root_sql("SET GLOBAL read_only = 0")
        assert await c.call("signup", {"userid": "second"}) == {"ok": True}
        assert await c.call("signup", {"userid": "second"}) == {"ok": False}  # taken
        await c.close()

    run(body())


def test_sigterm_while_upgrades_are_in_flight_exits_cleanly(stratus_server):
    srv = stratus_server(protocol_type="sproto", wait_port=True)
    request = (f"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode()
    socks = []
    for _ in range(150):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        socks.append(s)
    for i, s in enumerate(socks):
        try:
            s.sendall(request)
        except (ConnectionResetError, BrokenPipeError):
            assert i > 75, "reset before SIGTERM"  # after it, the draining server may close first
        if i == 75:
            srv.proc.send_signal(signal.SIGTERM)
    assert wait_until(lambda: srv.proc.poll() is not None, 20)
    for s in socks:
        s.close()
    assert srv.proc.returncode == 0, srv.log_text()[-3000:]
    assert "AddressSanitizer" not in srv.log_text()
    assert "runtime error" not in srv.log_text()
