"""The demo game on real backends, end to end: accounts in SQLite or MariaDB, tokens in the
in-process cache or a real redis-server, through a real stratus process and WebSocket clients.

What a player sees:
- a login acknowledged to the client survives `kill -9` of stratus and a restart;
- a wrong password gets UNAUTHORIZED, an SQL-injection attempt is just a name;
- Redis or MariaDB killed under load: logins that need it get BACKEND_UNAVAILABLE within the
  backend's timeout (with MariaDB down, returning players are still served from the cache's
  account lookups), players already logged in keep playing, the process stays up with flat
  memory; the backend restarted: logins work again without restarting stratus.
"""
import asyncio
import os
import signal
import sqlite3
import sys
import time

import pytest

from stratus_harness import rss_kib

ROOT = os.environ.get("STRATUS_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import stratus_pb  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

game_pb2 = stratus_pb.game_pb2
SPROTO_SCHEMAS = wcs.load_schemas(os.path.join(ROOT, "proto"))

FAST_HASH = {"password_ops": 1, "password_mem_kib": 8,
             "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}
INJECTION = "bob'); DROP TABLE accounts; --"


def url(server):
    return f"ws://127.0.0.1:{server.port}/"


def run(coro, timeout=90):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def login(server, account, password):
    """A connected, logged-in client and its LoginResp."""
    c = await stratus_pb.Client.connect(url(server))
    try:
        resp = await c.login(account, password)
    except BaseException:
        await c.close()
        raise
    return c, resp


async def login_error(server, account, password):
    """The error code a login gets (the connection is closed afterwards)."""
    c = await stratus_pb.Client.connect(url(server))
    try:
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c.login(account, password, timeout=10)
        return e.value.code
    finally:
        await c.close()


@pytest.fixture(params=["embedded", "redis+mariadb"])
def backend_keys(request, tmp_path):
    """Config keys for the backends under test; the same keys start every stratus of a test."""
    if request.param == "embedded":
        db_path = tmp_path / "accounts.db"
        keys = {"cache": "memory", "db": "sqlite", "sqlite_path": str(db_path)}

        def rows(sql):
            with sqlite3.connect(db_path) as conn:
                return [[str(v) for v in row] for row in conn.execute(sql)]
    else:
        redis = request.getfixturevalue("redis_server")(password="cache-pw")
        mariadb = request.getfixturevalue("mariadb_server")
        database = mariadb.create_database()
        keys = {"cache": "redis", "redis_host": redis.host, "redis_port": redis.port,
                "redis_password": redis.password, **mariadb.config_keys(database)}

        def rows(sql):
            return mariadb.query(sql, database)
    keys.update(FAST_HASH)
    keys["protocol_type"] = "protobuf"
    keys["wait_port"] = True
    return keys, rows


def test_login_survives_kill_9_and_restart(stratus_server, backend_keys):
    keys, rows = backend_keys
    srv = stratus_server(**keys)

    async def first_life():
        c, resp = await login(srv, "alice", "s3cret")
        await c.close()
        return resp.userid

    userid = run(first_life())
    assert userid > 0
    assert srv.stop(signal.SIGKILL) == -signal.SIGKILL

    srv2 = stratus_server(**keys)

    async def second_life():
        c, resp = await login(srv2, "alice", "s3cret")
        await c.close()
        assert resp.userid == userid
        assert await login_error(srv2, "alice", "wrong") == "UNAUTHORIZED"

    run(second_life())
    # Stored as an Argon2id hash, never in clear.
    stored = rows("SELECT password_hash FROM accounts WHERE account = 'alice'")
    assert stored[0][0].startswith("$argon2id$")
    assert "s3cret" not in stored[0][0]


def test_sql_injection_in_the_account_name_is_stored_literally(stratus_server, backend_keys):
    keys, rows = backend_keys
    srv = stratus_server(**keys)

    async def scenario():
        c, first = await login(srv, INJECTION, "pw")
        await c.close()
        c, again = await login(srv, INJECTION, "pw")
        await c.close()
        assert again.userid == first.userid
        c, other = await login(srv, "bob", "pw")  # a different account, still there
        await c.close()
        assert other.userid != first.userid

    run(scenario())
    names = sorted(r[0] for r in rows("SELECT account FROM accounts"))
    assert names == sorted(["bob", INJECTION])


def test_sproto_signup_and_signin_use_the_same_accounts(stratus_server, backend_keys):
    keys, rows = backend_keys
    keys = dict(keys, protocol_type="sproto", heartbeat_ms=60000)
    srv = stratus_server(**keys)

    async def scenario():
        c = await wcs.SprotoClient.connect(url(srv), SPROTO_SCHEMAS)
        try:
            assert await c.call("signup", {"userid": "carol"}) == {"ok": True}
            assert await c.call("signup", {"userid": "carol"}) == {"ok": False}
            signed = await c.call("signin", {"userid": "dave"})  # first use creates
            assert signed["ok"] is True and len(signed["token"]) == 32
        finally:
            await c.close()

    run(scenario())
    assert sorted(r[0] for r in rows("SELECT account FROM accounts")) == ["carol", "dave"]
    srv.stop()
    # A password-less account cannot log in by password in protobuf mode.
    srv2 = stratus_server(**dict(keys, protocol_type="protobuf"))
    assert run(login_error(srv2, "carol", "anything")) == "UNAUTHORIZED"


async def keep_playing(clients, stop):
    """Each client echoes in a loop until stop is set; returns (replies, failures)."""
    counts = {"ok": 0, "failed": []}

    async def play(c):
        while not stop.is_set():
            try:
                r = await c.request(game_pb2.EchoReq, data=b"still here")
                assert r.data == b"still here"
                counts["ok"] += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported below
                counts["failed"].append(repr(e))
                return
    await asyncio.gather(*(play(c) for c in clients))
    return counts


async def backend_outage(srv, kill, restart, timeout_s, tag, returning_served):
    """Logs players in, kills the backend under their load, checks the outcome, restarts it.
    returning_served: whether players who logged in before can log in during the outage."""
    players = [(await login(srv, f"{tag}-player{i}", "pw"))[0] for i in range(8)]
    # Players who logged in before and left: logging one of the playing accounts in again would
    # kick its connection (one connection per user), which is not what this test is about.
    for i in range(8):
        c, _ = await login(srv, f"{tag}-returner{i}", "pw")
        await c.close()
    stop = asyncio.Event()
    load = asyncio.ensure_future(keep_playing(players, stop))
    await asyncio.sleep(0.3)
    rss_before = rss_kib(srv.proc.pid)

    kill()
    # New players (and returning ones, unless served from the cache) get BACKEND_UNAVAILABLE,
    # each within the backend's timeout.
    slowest = 0.0
    for i in range(30):
        began = time.monotonic()
        if i % 2 and returning_served:
            c, _ = await login(srv, f"{tag}-returner{i % 8}", "pw")
            await c.close()
        else:
            account = f"{tag}-returner{i % 8}" if i % 2 else f"{tag}-new{i}"
            code = await login_error(srv, account, "pw")
            assert code == "BACKEND_UNAVAILABLE", (i, account, code)
        slowest = max(slowest, time.monotonic() - began)
    assert slowest < timeout_s + 1.5, slowest
    await asyncio.sleep(0.3)
    assert srv.proc.poll() is None
    rss_after = rss_kib(srv.proc.pid)
    assert rss_after - rss_before < 32 * 1024, (rss_before, rss_after)

    restart()
    # Back by itself: a login succeeds again within a few seconds, without restarting stratus.
    deadline = time.monotonic() + 20
    while True:
        try:
            c, resp = await login(srv, f"{tag}-late", "pw")
            await c.close()
            break
        except stratus_pb.ErrorReply as e:
            assert e.code == "BACKEND_UNAVAILABLE"
            assert time.monotonic() < deadline, "backend did not come back"
            await asyncio.sleep(0.2)
    assert resp.userid > 0

    stop.set()
    counts = await load
    for c in players:
        await c.close()
    assert counts["failed"] == [], counts["failed"][:3]
    assert counts["ok"] > 100, counts
    return slowest


def test_redis_killed_under_load_fails_fast_and_recovers(stratus_server, redis_server, tmp_path):
    redis = redis_server()
    srv = stratus_server(protocol_type="protobuf", wait_port=True, cache="redis",
                         redis_host=redis.host, redis_port=redis.port, redis_timeout_ms=500,
                         sqlite_path=str(tmp_path / "a.db"), **FAST_HASH)
    run(backend_outage(srv, redis.kill, redis.start, 0.5, "r", returning_served=False))


def test_sigusr1_reports_pool_state_and_error_counts_without_secrets(stratus_server, redis_server,
                                                                     mariadb_server):
    redis = redis_server(password="cache-pw")
    database = mariadb_server.create_database()
    srv = stratus_server(protocol_type="protobuf", wait_port=True, log_level="debug",
                         cache="redis", redis_host=redis.host, redis_port=redis.port,
                         redis_password=redis.password, redis_timeout_ms=300,
                         **mariadb_server.config_keys(database), **FAST_HASH)

    async def scenario():
        c, _ = await login(srv, "watcher", "hunter2-pw")
        await c.close()
        redis.kill()
        assert await login_error(srv, "watcher", "hunter2-pw") == "BACKEND_UNAVAILABLE"

    run(scenario())
    time.sleep(1.3)  # the proxies publish their figures each second
    srv.proc.send_signal(signal.SIGUSR1)
    srv.wait_for_log("SIGUSR1:")
    assert wait_until_log(srv, ".dbproxyd")
    lines = srv.log_text().split("SIGUSR1:")[1].splitlines()
    cache = next(line for line in lines if ".cacheproxyd" in line)
    db = next(line for line in lines if ".dbproxyd" in line)
    assert "pool 4 up" in cache and "failed" in cache, cache
    failed = int(cache.split(" failed ")[1].split()[0])
    assert failed >= 1, cache
    assert "pool 4 up" in db and " ok " in db, db
    assert srv.proc.poll() is None  # a report, not a stop
    log = srv.log_text()
    for secret in ("cache-pw", mariadb_server.password, "hunter2-pw"):
        assert secret not in log, secret


def wait_until_log(srv, text, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in srv.log_text().split("SIGUSR1:")[-1]:
            return True
        time.sleep(0.05)
    return False


def test_mariadb_killed_under_load_fails_fast_and_recovers(stratus_server, mariadb_server):
    database = mariadb_server.create_database()
    srv = stratus_server(protocol_type="protobuf", wait_port=True, cache="memory",
                         db_timeout_ms=1000, **mariadb_server.config_keys(database), **FAST_HASH)
    try:
        run(backend_outage(srv, mariadb_server.kill, mariadb_server.start, 1.0, "m",
                           returning_served=True))
    finally:
        if mariadb_server.proc is None:
            mariadb_server.start()  # the fixture is shared by the whole session
    # The accounts made before the outage are still there.
    names = {r[0] for r in mariadb_server.query("SELECT account FROM accounts", database)}
    assert {f"m-player{i}" for i in range(8)} | {"m-late"} <= names
