"""Fixtures that drive the real `stratus` binary and real backends on loopback.

    def test_ping(stratus_server):
        srv = stratus_server(protocol_type="sproto")     # temp config + temp working dir
        ...connect to ws://127.0.0.1:{srv.port}{srv.ws_path}...
        assert "stratus started" in srv.log_text()

    def test_cache(stratus_server, redis_server):
        redis = redis_server(password="secret")          # real redis-server, temp dir
        srv = stratus_server(cache="redis", redis_host="127.0.0.1", redis_port=redis.port,
                             redis_password="secret")
        assert redis.call("PING") == "PONG"

    def test_db(stratus_server, mariadb_server):          # one mariadbd per session
        db = mariadb_server.create_database()              # a fresh schema for this test
        srv = stratus_server(db="mysql", **mariadb_server.config_keys(db))

Every process started here is stopped at teardown (SIGTERM, then SIGKILL).
Environment (set by CTest): STRATUS_BIN, STRATUS_ROOT, STRATUS_SHARED_DIR.
"""

import os
import pathlib

import pytest

from mariadb_harness import MariadbServer
from nats_harness import NatsServer
from redis_harness import RedisServer
from stratus_harness import StratusServer, free_port

ROOT = pathlib.Path(os.environ.get("STRATUS_ROOT", pathlib.Path(__file__).resolve().parents[2]))
BIN = os.environ.get("STRATUS_BIN", str(ROOT / "build" / "release" / "bin" / "stratus"))
SHARED_DIR = pathlib.Path(os.environ.get("STRATUS_SHARED_DIR", ROOT.parent / "shared"))


@pytest.fixture
def stratus_bin():
    """Path of the stratus binary under test."""
    if not os.path.exists(BIN):
        pytest.fail(f"stratus binary not found at {BIN} (set STRATUS_BIN or build it)")
    return BIN


@pytest.fixture(name="free_port")
def free_port_fixture():
    """A function returning a loopback TCP port nobody listens on (distinct per call)."""
    return free_port


@pytest.fixture
def stratus_server(tmp_path, stratus_bin):
    """Factory: stratus_server(**config_keys) starts the binary with a generated config.

    Keyword arguments become config keys (None removes a default). Extra options:
    wait_for="stratus started" (log text that means ready), wait_port=None (None: wait up to
    3 s for ws_port when something listens there; True: require it; False: don't wait),
    env={...} extra environment, timeout=20.
    """
    servers = []

    def start(**keys):
        server = StratusServer.start(stratus_bin, tmp_path / f"server{len(servers)}", **keys)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def redis_server(tmp_path):
    """Factory: redis_server(password=None) starts a redis-server on a free loopback port."""
    servers = []

    def start(password=None):
        server = RedisServer(tmp_path / f"redis{len(servers)}", password=password)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.kill()


@pytest.fixture
def nats_server(tmp_path):
    """A started nats-server on a free loopback port (`.url`, `.kill()`, `.start()` again)."""
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory):
    """One mariadbd for the whole session (installing a data dir takes seconds).

    A user `stratus` with a password exists; create_database() gives each test its own schema.
    """
    server = MariadbServer(tmp_path_factory.mktemp("mariadb"))
    try:
        server.start()
        yield server
    finally:
        server.kill()
