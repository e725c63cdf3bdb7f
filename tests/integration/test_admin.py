"""Operations against the real binary: /metrics, /healthz, /readyz and the debug console."""
import asyncio
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from stratus_harness import free_port, wait_until

ROOT = os.environ.get("STRATUS_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import stratus_pb  # noqa: E402

game_pb2 = stratus_pb.game_pb2
FAST_HASH = {"password_ops": 1, "password_mem_kib": 8,
             "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}


def start(stratus_server, **keys):
    admin, console = free_port(), free_port()
    srv = stratus_server(protocol_type="protobuf", wait_port=True, admin_port=admin,
                         console_port=console, **FAST_HASH, **keys)
    srv.admin_port, srv.console_port = admin, console
    return srv


def http_get(srv, path, timeout=5):
    """(status, body) of GET path on the admin endpoint."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{srv.admin_port}{path}",
                                    timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def scrape(srv):
    """{(name, frozenset(labels)): value} of every sample on /metrics."""
    status, text = http_get(srv, "/metrics")
    assert status == 200
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def console(srv, *commands, timeout=10):
    """Sends command lines to the console and returns its answers, one string per command."""
    with socket.create_connection(("127.0.0.1", srv.console_port), timeout=timeout) as s:
        answers = []
        reader = s.makefile("r")
        for cmd in commands:
            s.sendall((cmd + "\n").encode())
            lines = []
            while True:
                line = reader.readline()
                assert line, f"console closed during {cmd!r}"
                if line.startswith("<CMD "):
                    lines.append(line.strip())
                    break
                lines.append(line.rstrip("\n"))
            answers.append("\n".join(lines))
        return answers


def test_metrics_parse_and_move_as_a_client_logs_in_and_echoes(stratus_server):
    srv = start(stratus_server)
    before = scrape(srv)
    assert before[("stratus_connections_open", frozenset())] == 0
    assert before[("stratus_backend_up", frozenset({("backend", "cache")}))] == 1
    assert before[("stratus_backend_up", frozenset({("backend", "db")}))] == 1
    assert before[("process_resident_memory_bytes", frozenset())] > 1e6
    assert before[("process_open_fds", frozenset())] > 3

    async def body():
        c = await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/")
        with pytest.raises(stratus_pb.ErrorReply):  # refused: not logged in
            await c.request(game_pb2.EchoReq, data=b"early")
        await c.login("metrics", "secret")
        for _ in range(5):
            assert (await c.request(game_pb2.EchoReq, data=b"x" * 100)).data == b"x" * 100
        await c.ws.send(raw_packet("game.NoSuchReq", 99))
        while True:  # its error reply carries a session nobody waits for: it lands in pushes
            reply = await asyncio.wait_for(c.pushes.get(), 5)
            if isinstance(reply, stratus_pb.common_pb2.Error):
                break
        during = scrape(srv)
        await c.close()
        return during
    during = asyncio.run(asyncio.wait_for(body(), 60))
    assert during[("stratus_connections_open", frozenset())] == 1
    assert during[("stratus_connections_accepted_total", frozenset())] >= \
        before[("stratus_connections_accepted_total", frozenset())] + 1
    msgs_in = ("stratus_network_messages_total", frozenset({("direction", "in")}))
    bytes_out = ("stratus_network_bytes_total", frozenset({("direction", "out")}))
    assert during[msgs_in] >= before[msgs_in] + 6  # login + 5 echoes
    assert during[bytes_out] >= before[bytes_out] + 500
    handled = ("stratus_service_messages_handled_total", frozenset({("service", ".cacheproxyd")}))
    assert during[handled] > before[handled]
    # Agents are summed, never one label per connection.
    services = {dict(k[1]).get("service") for k in during if k[0] == "stratus_services"}
    assert "unnamed" in services and all(s == "unnamed" or s.startswith(".") for s in services)
    assert wait_until(lambda: scrape(srv)[("stratus_connections_open", frozenset())] == 0, 5)

    def moved(name, by, **labels):
        key = (name, frozenset(labels.items()))
        return during.get(key, 0) - before.get(key, 0) == by
    # Per request: by type (the unknown one as "other"), error replies by code, handler times.
    assert moved("stratus_requests_total", 1, protocol="protobuf", message="game.LoginReq")
    assert moved("stratus_requests_total", 5, protocol="protobuf", message="game.EchoReq")
    assert moved("stratus_requests_total", 1, protocol="protobuf", message="other")
    assert moved("stratus_error_replies_total", 1, code="UNAUTHORIZED")
    assert moved("stratus_error_replies_total", 1, code="UNKNOWN_MESSAGE_TYPE")
    assert moved("stratus_handler_seconds_count", 5, message="game.EchoReq")
    assert moved("stratus_handler_seconds_bucket", 5, message="game.EchoReq", le="+Inf")
    assert during[("stratus_handler_seconds_sum", frozenset({("message", "game.EchoReq")}))] > 0
    assert not any(k[0] == "stratus_requests_total" and dict(k[1])["message"] == "game.NoSuchReq"
                   for k in during)
    # Calls by outcome: the login asked the cache and the database.
    ok = ("stratus_calls_total", frozenset({("outcome", "ok")}))
    assert during[ok] > before[ok]
    outcomes = {dict(k[1])["outcome"] for k in during if k[0] == "stratus_calls_total"}
    assert {"ok", "timeout", "dead_service", "no_such_service", "handler_failed", "no_handler",
            "node_down"} <= outcomes, outcomes
    closed = ("stratus_connections_closed_total", frozenset({("code", "1000")}))
    assert wait_until(lambda: scrape(srv).get(closed, 0) == before.get(closed, 0) + 1, 5)


def raw_packet(msg_type, session):
    """A protobuf-mode packet of type `msg_type` with only a header (wire.md framing)."""
    header = stratus_pb.common_pb2.Header(msg_type=msg_type, session_id=session)
    hb = header.SerializeToString()
    payload = b"\x0a" + bytes([len(hb)]) + hb
    return struct.pack("<I", len(payload)) + payload


def test_healthz_and_readyz_answer_ok(stratus_server):
    srv = start(stratus_server)
    assert http_get(srv, "/healthz") == (200, '{"status":"ok"}\n')
    assert http_get(srv, "/readyz") == (200, '{"status":"ok"}\n')
    assert http_get(srv, "/nope")[0] == 404


def test_readyz_follows_redis(stratus_server, redis_server):
    redis = redis_server()
    srv = start(stratus_server, cache="redis", redis_host="127.0.0.1", redis_port=redis.port,
                redis_timeout_ms=500)
    assert http_get(srv, "/readyz")[0] == 200
    redis.kill()
    status, body = http_get(srv, "/readyz")
    assert status == 503 and '"status":"fail"' in body and "cache" in body, body
    redis.start()
    assert wait_until(lambda: http_get(srv, "/readyz")[0] == 200, 15), http_get(srv, "/readyz")


def test_readyz_follows_mariadb(stratus_server, mariadb_server):
    db = mariadb_server.create_database()
    srv = start(stratus_server, db_timeout_ms=1000, **mariadb_server.config_keys(db))
    assert http_get(srv, "/readyz")[0] == 200
    mariadb_server.kill()
    assert wait_until(lambda: http_get(srv, "/readyz")[0] == 503, 10)
    status, body = http_get(srv, "/readyz")
    assert status == 503 and "db" in body, body
    mariadb_server.start()
    assert wait_until(lambda: http_get(srv, "/readyz")[0] == 200, 30), http_get(srv, "/readyz")


def test_every_console_command(stratus_server):
    srv = start(stratus_server)
    (help_text, listing, stat, info, ping, netstat, lanes, mem, gc, uptime, log_debug,
     log_bad, unknown) = console(
        srv, "help", "list", "stat", "info .cacheproxyd", "ping .dbproxyd", "netstat", "lanes",
        "mem", "gc", "uptime", "log debug", "log loud", "frobnicate")
    for word in ("list", "stat", "info", "kill", "ping", "netstat", "kick", "log", "mem", "gc",
                 "uptime", "lanes"):
        assert f"\n{word} " in "\n" + help_text, word
    assert ".cacheproxyd" in listing and "cache_proxy" in listing and ".console" in listing
    assert "handled" in stat and ".gate" in stat
    assert "type " in info and "worker " in info and info.endswith("<CMD OK>")
    assert ping.startswith("pong from") and ping.endswith("<CMD OK>")
    assert "connections open 0" in netstat
    assert mem.startswith("rss ") and "malloc: arena" in mem
    assert "malloc_trim" in gc and uptime.endswith("<CMD OK>")
    assert log_debug.startswith("log level debug") and log_bad.endswith("<CMD Error>")
    assert unknown.endswith("<CMD Error>")
    assert "console: uptime" in srv.log_text()
    # The level changed at run time: debug lines appear from now on.
    console(srv, "ping .cacheproxyd")
    assert lanes.endswith("<CMD OK>")


def test_console_kills_a_named_service(stratus_server):
    srv = start(stratus_server)
    killed, = console(srv, "kill .dbproxyd")
    assert killed.startswith("killed ") and killed.endswith("<CMD OK>")
    assert wait_until(lambda: ".dbproxyd" not in console(srv, "list")[0], 5)
    ping, = console(srv, "ping .dbproxyd")
    assert ping.startswith("no such service") and ping.endswith("<CMD Error>")
    assert http_get(srv, "/readyz")[0] == 503


def test_console_kicks_a_user_with_4002(stratus_server):
    srv = start(stratus_server)
    common_pb2 = stratus_pb.common_pb2

    async def body():
        c = await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/")
        login = await c.login("kickme", "secret")
        welcome = await asyncio.wait_for(c.pushes.get(), 5)
        assert not isinstance(welcome, common_pb2.Kicked)
        kicked, = await asyncio.to_thread(console, srv, f"kick {login.userid}")
        assert kicked == f"kicked user {login.userid}\n<CMD OK>", kicked
        push = await asyncio.wait_for(c.pushes.get(), 5)
        assert isinstance(push, common_pb2.Kicked), push
        assert push.reason == "kicked by the server"
        await asyncio.wait_for(c._reader, 5)
        assert c.ws.close_code == 4002
        return login.userid
    userid = asyncio.run(asyncio.wait_for(body(), 60))
    again, unknown, bad = console(srv, f"kick {userid}", "kick 987654321", "kick bob")
    assert again == f"user {userid} is not online\n<CMD Error>", again
    assert unknown == "user 987654321 is not online\n<CMD Error>", unknown
    assert bad.endswith("<CMD Error>")


def test_a_stuck_service_does_not_hang_the_console(stratus_server):
    srv = start(stratus_server, thread=2, admin_test_stall=True)
    timeouts = ("stratus_calls_total", frozenset({("outcome", "timeout")}))
    timed_out_before = scrape(srv)[timeouts]
    stalled, = console(srv, "stall 4")
    assert stalled.endswith("<CMD OK>")
    t0 = time.monotonic()
    ping, stat = console(srv, "ping .stall", "stat")
    assert ping == "no reply in 1 s from .stall\n<CMD Error>"
    assert time.monotonic() - t0 < 3
    assert ".stall" in stat
    status, body = http_get(srv, "/healthz")
    assert status == 503 and "no reply in 1 s" in body, body
    assert wait_until(lambda: http_get(srv, "/healthz")[0] == 200, 10)
    assert scrape(srv)[timeouts] >= timed_out_before + 1  # the console's ping


def test_stratus_console_subcommand_relays_stdin(stratus_server, stratus_bin):
    srv = start(stratus_server)
    out = subprocess.run([stratus_bin, "console", "-c", str(srv.config_path)],
                         input="uptime\nping .cacheproxyd\n", capture_output=True, text=True,
                         timeout=20)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("<CMD OK>") == 2 and "pong from" in out.stdout


def test_json_log_lines(stratus_server):
    import json
    srv = stratus_server(log_format="json", wait_port=True)
    lines = [json.loads(line) for line in srv.log_text().splitlines() if line.startswith("{")]
    assert any(line["msg"] == "stratus started" and line["service"] == "main" for line in lines)
    assert all(set(line) == {"time", "level", "service", "msg"} for line in lines)
    assert any(line["service"].endswith(".gate") for line in lines), lines


def log_in_and_out(srv, *accounts):
    async def body():
        for account in accounts:
            c = await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/")
            await c.login(account, "secret")
            await c.close()
    asyncio.run(asyncio.wait_for(body(), 30))


def test_the_lines_of_one_request_carry_its_id_in_the_services_it_calls(stratus_server):
    # At debug level the gateway logs each request it dispatches, and .dbproxyd each statement
    # it is asked to run: a login's handler calls .dbproxyd through its mailbox.
    srv = start(stratus_server, log_level="debug")
    log_in_and_out(srv, "req-a", "req-b")
    lines = srv.log_text().splitlines()
    logins = [re.search(r" req=([0-9a-f]{16}) request game\.LoginReq ", line) for line in lines]
    logins = [m.group(1) for m in logins if m]
    assert len(logins) == 2 and logins[0] != logins[1], lines
    for request in logins:
        # One grep finds everything the request did, in the agent and in .dbproxyd.
        mine = [line for line in lines if f" req={request} " in line]
        assert any(".dbproxyd] req=" in line and " db: " in line for line in mine), mine
        assert any("request game.LoginReq" in line for line in mine)
    # Lines written for no request (start-up, connection events) carry no id.
    assert any(" db: " in line and "req=" not in line for line in lines)  # migrations
    assert any("stratus started" in line and "req=" not in line for line in lines)


def test_json_lines_of_a_request_have_a_req_field(stratus_server):
    srv = start(stratus_server, log_level="debug", log_format="json")
    log_in_and_out(srv, "req-json")
    lines = [json.loads(line) for line in srv.log_text().splitlines() if line.startswith("{")]
    login = [line for line in lines if line["msg"].startswith("request game.LoginReq ")]
    assert len(login) == 1 and re.fullmatch(r"[0-9a-f]{16}", login[0]["req"]), login
    same = [line for line in lines if line.get("req") == login[0]["req"]]
    assert any(line["service"].endswith(".dbproxyd") and line["msg"].startswith("db: ")
               for line in same), same
    assert all(set(line) <= {"time", "level", "service", "req", "msg"} for line in lines)


def test_sproto_requests_are_counted_by_protocol_name(stratus_server):
    sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
    import ws_client_sproto as wcs
    admin = free_port()
    srv = stratus_server(protocol_type="sproto", wait_port=True, admin_port=admin,
                         heartbeat_ms=60000)
    srv.admin_port = admin
    before = scrape(srv)

    async def body():
        schemas = wcs.load_schemas(os.path.join(ROOT, "proto"))
        c = await wcs.SprotoClient.connect(f"ws://{srv.host}:{srv.port}{srv.ws_path}", schemas)
        try:
            for _ in range(3):
                assert await c.call("echo", {"data": "abc"}) == {"data": "abc"}
            with pytest.raises(wcs.ErrorReply):
                await c.call("login")  # UNAUTHORIZED: not signed in
            # The gate's own resume is counted by name too, as protobuf's common.ResumeReq.
            with pytest.raises(wcs.ErrorReply) as e:
                await c.call("resume", {"token": "0" * 32, "last_seq": 0})
            assert e.value.code == "RESUME_EXPIRED"
            return scrape(srv)
        finally:
            await c.close()
    during = asyncio.run(asyncio.wait_for(body(), 30))

    def delta(name, **labels):
        key = (name, frozenset(labels.items()))
        return during.get(key, 0) - before.get(key, 0)
    assert delta("stratus_requests_total", protocol="sproto", message="echo") == 3
    assert delta("stratus_requests_total", protocol="sproto", message="login") == 1
    assert delta("stratus_handler_seconds_count", message="echo") == 3
    assert delta("stratus_error_replies_total", code="UNAUTHORIZED") == 1
    assert delta("stratus_requests_total", protocol="sproto", message="resume") == 1
    assert delta("stratus_handler_seconds_count", message="resume") == 1
    assert delta("stratus_error_replies_total", code="RESUME_EXPIRED") == 1


def test_the_grafana_dashboard_queries_only_metrics_the_server_exports(stratus_server):
    """docs/grafana/stratus.json stays true: every series it queries is on /metrics once a
    client has logged in and echoed (a histogram by its _bucket series)."""
    import json
    import re
    srv = start(stratus_server)

    async def body():
        c = await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/")
        await c.login("dash", "pw")
        await c.request(game_pb2.EchoReq, data=b"x")
        await c.close()

    asyncio.run(asyncio.wait_for(body(), 30))
    exported = {name for name, _ in scrape(srv)}
    with open(os.path.join(ROOT, "docs", "grafana", "stratus.json")) as f:
        dashboard = json.load(f)
    queried = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queried |= set(re.findall(r"\b((?:stratus|process)_[a-z_]+)", target["expr"]))
    assert queried, "the dashboard queries nothing"
    missing = sorted(q for q in queried if q not in exported)
    assert not missing, f"the dashboard queries series the server does not export: {missing}"
