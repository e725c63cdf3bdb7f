"""The plain TCP listener (tcp_port), as skynet's gate offers native clients: the same packets
as the configured protocol, length-prefixed on the stream (sproto 2-byte big-endian, protobuf
4-byte little-endian), the same handlers and limits; and the Python clients' --tcp option."""

import asyncio
import os
import socket
import struct
import subprocess
import sys

import pytest

from conftest import ROOT
from stratus_harness import free_port

sys.path.insert(0, str(ROOT / "clients" / "python"))
import stratus_pb  # noqa: E402
import tcp_link  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

game_pb2 = stratus_pb.game_pb2
SCHEMAS = wcs.load_schemas(ROOT / "proto")
HASH = {"password_ops": 1, "password_mem_kib": 8,
        "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def start(stratus_server, protocol, **keys):
    port = free_port()
    keys.setdefault("heartbeat_ms", 60000)
    srv = stratus_server(protocol_type=protocol, tcp_port=port, wait_port=True, **HASH, **keys)
    srv.tcp_port = port
    assert f"listening for TCP clients on 127.0.0.1:{port} ({protocol} mode)" in srv.log_text()
    return srv


def test_protobuf_over_tcp_logs_in_echoes_and_gets_pushes(stratus_server):
    srv = start(stratus_server, "protobuf")

    async def body():
        c = await stratus_pb.Client.connect(f"tcp://127.0.0.1:{srv.tcp_port}")
        resp = await c.login("native", "pw")
        assert resp.userid > 0
        notice = await asyncio.wait_for(c.pushes.get(), 5)
        assert isinstance(notice, game_pb2.Notice)
        data = os.urandom(60000)
        replies = await asyncio.gather(*(c.request(game_pb2.EchoReq, data=data[:i * 1000])
                                         for i in range(50)))
        assert [r.data for r in replies] == [data[:i * 1000] for i in range(50)]
        with pytest.raises(stratus_pb.ErrorReply) as e:
            c2 = await stratus_pb.Client.connect(f"tcp://127.0.0.1:{srv.tcp_port}")
            await c2.request(game_pb2.PingReq)
        assert e.value.error.code == "UNAUTHORIZED"
        await c.close()
        await c2.close()

    run(body())


def test_sproto_over_tcp_is_skynet_gate_framing(stratus_server):
    srv = start(stratus_server, "sproto")

    async def body():
        c = await wcs.SprotoClient.connect(f"tcp://127.0.0.1:{srv.tcp_port}", SCHEMAS)
        assert await c.call("echo", {"data": "over tcp"}) == {"data": "over tcp"}
        assert (await c.call("signin", {"userid": "tcpuser"}))["ok"] is True
        push = await c.wait_push("push", 5)
        assert "tcpuser" in push["text"]
        assert await c.call("login") == {"ok": True}
        await c.close()

    run(body())
    # The raw bytes: a 2-byte big-endian length, then the packed message, as skynet's gate.
    send = wcs.sproto.Host(SCHEMAS[1]).attach(SCHEMAS[0])
    body = send("ping", None, session=9)
    with socket.create_connection(("127.0.0.1", srv.tcp_port), timeout=5) as s:
        s.sendall(struct.pack(">H", len(body)) + body)
        head = s.recv(2)
        (n,) = struct.unpack(">H", head)
        assert n > 0


def test_an_oversized_tcp_packet_closes_the_connection(stratus_server):
    srv = start(stratus_server, "protobuf", max_message_size=1024)
    with socket.create_connection(("127.0.0.1", srv.tcp_port), timeout=5) as s:
        s.sendall(struct.pack("<I", 5000))  # the prefix alone is enough to refuse it
        assert s.recv(1) == b""  # closed, nothing said: TCP has no close frames


def test_python_clients_take_tcp(stratus_server):
    srv = start(stratus_server, "sproto", heartbeat_ms=200)
    script = ROOT / "clients" / "python" / "ws_client_sproto.py"
    done = subprocess.run(["/usr/bin/python3", str(script), "--url", "ws://127.0.0.1:1/",
                           "--tcp", str(srv.tcp_port), "--account", "cli",
                           "--heartbeat-timeout", "5"],
                          capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "signin cli ok" in done.stdout and "heartbeat ok" in done.stdout
    pb_srv = start(stratus_server, "protobuf")
    script = ROOT / "clients" / "python" / "ws_client_simple.py"
    done = subprocess.run(["/usr/bin/python3", str(script), "--tcp", str(pb_srv.tcp_port)],
                          capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert tcp_link.tcp_url("ws://10.1.2.3:8081/", 9) == "tcp://10.1.2.3:9"
