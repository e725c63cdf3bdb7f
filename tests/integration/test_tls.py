"""wss:// against the real binary: the same wire bytes as ws://, refusals of plain and old
clients, the handshake timeout, https static files, and certificates reloaded on SIGHUP.

Certificates are made here with the openssl CLI, one self-signed pair per name.
"""
import asyncio
import os
import pathlib
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest

from stratus_harness import wait_until

ROOT = os.environ.get("STRATUS_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import stratus_pb  # noqa: E402

game_pb2 = stratus_pb.game_pb2
FAST_HASH = {"password_ops": 1, "password_mem_kib": 8,
             "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}
RELOADED = "TLS (ws): reloaded"
NOT_RELOADED = "TLS (ws): cannot reload"

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl CLI")


def make_pair(folder, name):
    """A self-signed certificate for 127.0.0.1 with CN=name: (cert path, key path)."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def install(src, dst):
    """Replaces dst with a copy of src in one rename, as a deployment tool would."""
    tmp = pathlib.Path(str(dst) + ".new")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def der(path):
    """The DER bytes of a PEM certificate file."""
    return ssl.PEM_cert_to_DER_cert(pathlib.Path(path).read_text())


def trusting(cert):
    """A client context that trusts only `cert`."""
    ctx = ssl.create_default_context(cafile=str(cert))
    return ctx


def served_cert(port, timeout=5):
    """The DER certificate a new TLS connection to port receives (no verification)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw) as tls:
            return tls.getpeercert(binary_form=True)


def start(stratus_server, tmp_path, **keys):
    """A protobuf-mode server on TLS with the pair "a" (live at tmp_path/live.*)."""
    cert, key = make_pair(tmp_path / "certs", "stratus-a")
    live_cert, live_key = tmp_path / "live.crt", tmp_path / "live.key"
    install(cert, live_cert)
    install(key, live_key)
    srv = stratus_server(protocol_type="protobuf", wait_port=True, ws_tls_cert=str(live_cert),
                         ws_tls_key=str(live_key), **FAST_HASH, **keys)
    srv.live_cert, srv.live_key, srv.first_cert = live_cert, live_key, cert
    return srv


async def echo_packets(url, account, data, ssl_context=None):
    """Logs in on url, echoes `data` twice; returns the echo reply packets (requests carry the
    login's random token)."""
    seen = []

    def record(direction, packet, header, message):
        if direction == "recv" and header.msg_type.startswith("game.Echo"):
            seen.append(bytes(packet))
    c = await stratus_pb.Client.connect(url, on_packet=record, ssl=ssl_context)
    await c.login(account, "secret")
    for _ in range(2):
        assert (await c.request(game_pb2.EchoReq, data=data)).data == data
    await c.close()
    return seen


def test_wss_carries_the_same_bytes_as_ws(stratus_server, tmp_path):
    plain = stratus_server(protocol_type="protobuf", wait_port=True, **FAST_HASH)
    tls = start(stratus_server, tmp_path)
    assert "gateway listening on wss://" in tls.log_text()
    data = bytes(range(256)) * 3
    over_ws = asyncio.run(asyncio.wait_for(
        echo_packets(f"ws://127.0.0.1:{plain.port}/", "same", data), 30))
    over_wss = asyncio.run(asyncio.wait_for(
        echo_packets(f"wss://127.0.0.1:{tls.port}/", "same", data, trusting(tls.first_cert)),
        30))
    assert len(over_wss) == 2 and over_wss == over_ws


def test_plain_clients_are_refused_and_the_server_goes_on(stratus_server, tmp_path):
    srv = start(stratus_server, tmp_path, log_level="debug")

    async def plain_ws():
        with pytest.raises(Exception):
            c = await stratus_pb.Client.connect(f"ws://127.0.0.1:{srv.port}/", open_timeout=5)
            await c.close()
    asyncio.run(plain_ws())
    # A raw HTTP request gets the connection closed at once, not held open.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n")
        started = time.monotonic()
        s.settimeout(5)
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        assert time.monotonic() - started < 2
    srv.wait_for_log("TLS handshake from 127.0.0.1:")
    assert "http request" in srv.log_text()
    seen = asyncio.run(asyncio.wait_for(echo_packets(
        f"wss://127.0.0.1:{srv.port}/", "after", b"still here", trusting(srv.first_cert)), 30))
    assert len(seen) == 2
    assert srv.proc.poll() is None


def test_a_silent_client_is_dropped_at_the_handshake_timeout(stratus_server, tmp_path):
    srv = start(stratus_server, tmp_path, handshake_timeout_ms=400)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        started = time.monotonic()
        try:
            assert s.recv(1) == b""
        except ConnectionResetError:
            pass
        waited = time.monotonic() - started
    assert 0.3 < waited < 3, waited
    # Half a handshake (a ClientHello, then silence) is dropped the same way.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        half = ctx.wrap_bio(incoming, outgoing)
        with pytest.raises(ssl.SSLWantReadError):
            half.do_handshake()
        s.sendall(outgoing.read())
        started = time.monotonic()
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        assert time.monotonic() - started < 3


def test_tls_1_1_is_refused(stratus_server, tmp_path):
    srv = start(stratus_server, tmp_path, log_level="debug")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with warnings.catch_warnings():  # Python deprecates the old versions; that is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError) as e:
        pytest.skip(f"this OpenSSL cannot build a TLS 1.1 client: {e}")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError) as refused:
            ctx.wrap_socket(raw)
    if "NO_PROTOCOLS_AVAILABLE" in str(refused.value) or "no protocols" in str(refused.value):
        pytest.skip(f"this OpenSSL refuses TLS 1.1 on the client side: {refused.value}")
    srv.wait_for_log("TLS handshake from 127.0.0.1:")
    # TLS 1.2 still works.
    ctx12 = trusting(srv.first_cert)
    ctx12.maximum_version = ssl.TLSVersion.TLSv1_2
    seen = asyncio.run(asyncio.wait_for(echo_packets(
        f"wss://127.0.0.1:{srv.port}/", "tls12", b"x", ctx12), 30))
    assert len(seen) == 2


def test_static_files_over_https(stratus_server, tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("<p>over tls</p>\n")
    srv = start(stratus_server, tmp_path, www_root=str(www))
    ctx = trusting(srv.first_cert)
    with urllib.request.urlopen(f"https://127.0.0.1:{srv.port}/", context=ctx, timeout=5) as r:
        assert r.status == 200 and r.read() == b"<p>over tls</p>\n"
    with urllib.request.urlopen(f"https://127.0.0.1:{srv.port}/server-info.json", context=ctx,
                                timeout=5) as r:
        assert b'"protocol":"protobuf"' in r.read()


def test_sighup_reloads_the_certificate_for_new_connections_only(stratus_server, tmp_path):
    srv = start(stratus_server, tmp_path)
    assert served_cert(srv.port) == der(srv.first_cert)
    second_cert, second_key = make_pair(tmp_path / "certs", "stratus-b")

    async def body():
        # Opened before the reload: it must keep working afterwards.
        early = await stratus_pb.Client.connect(f"wss://127.0.0.1:{srv.port}/",
                                                ssl=trusting(srv.first_cert))
        await early.login("early", "secret")
        assert (await early.request(game_pb2.EchoReq, data=b"before")).data == b"before"

        install(second_cert, srv.live_cert)
        install(second_key, srv.live_key)
        srv.proc.send_signal(signal.SIGHUP)
        await asyncio.to_thread(srv.wait_for_log, RELOADED)
        assert "subject /CN=stratus-b" in srv.log_text()
        assert "log file reopened" in srv.log_text()
        assert await asyncio.to_thread(served_cert, srv.port) == der(second_cert)
        for i in range(3):
            data = b"after %d" % i
            assert (await early.request(game_pb2.EchoReq, data=data)).data == data
        late = await stratus_pb.Client.connect(f"wss://127.0.0.1:{srv.port}/",
                                               ssl=trusting(second_cert))
        await late.login("late", "secret")
        assert (await late.request(game_pb2.EchoReq, data=b"new")).data == b"new"
        await late.close()
        await early.close()
    asyncio.run(asyncio.wait_for(body(), 60))


def test_a_bad_pair_on_sighup_keeps_the_old_certificate(stratus_server, tmp_path):
    srv = start(stratus_server, tmp_path)
    other_cert, _ = make_pair(tmp_path / "certs", "stratus-c")
    # A certificate whose key is not the one on disk.
    install(other_cert, srv.live_cert)
    srv.proc.send_signal(signal.SIGHUP)
    srv.wait_for_log(NOT_RELOADED)
    assert "does not match" in srv.log_text() or "key values mismatch" in srv.log_text()
    assert served_cert(srv.port) == der(srv.first_cert)
    # A missing key file.
    install(srv.first_cert, srv.live_cert)
    os.remove(srv.live_key)
    before = srv.log_text().count(NOT_RELOADED)
    srv.proc.send_signal(signal.SIGHUP)
    assert wait_until(lambda: srv.log_text().count(NOT_RELOADED) > before, 10)
    assert served_cert(srv.port) == der(srv.first_cert)
    seen = asyncio.run(asyncio.wait_for(echo_packets(
        f"wss://127.0.0.1:{srv.port}/", "kept", b"ok", trusting(srv.first_cert)), 30))
    assert len(seen) == 2
    assert srv.proc.poll() is None


def test_a_bad_pair_at_start_up_stops_the_server(stratus_server, tmp_path):
    cert, _ = make_pair(tmp_path / "certs", "stratus-d")
    _, key = make_pair(tmp_path / "certs", "stratus-e")
    with pytest.raises(RuntimeError) as failed:
        stratus_server(ws_tls_cert=str(cert), ws_tls_key=str(key), wait_port=False)
    assert "TLS" in str(failed.value)


def test_run_sh_cert_makes_the_pair_config_tls_names(stratus_server, stratus_bin, tmp_path):
    # A copy of run.sh writes below its own folder, not into the repository.
    shutil.copy(pathlib.Path(ROOT) / "run.sh", tmp_path / "run.sh")
    made = subprocess.run(["bash", str(tmp_path / "run.sh"), "cert"], capture_output=True,
                          text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    cert, key = tmp_path / "run" / "tls" / "cert.pem", tmp_path / "run" / "tls" / "key.pem"
    assert cert.exists() and key.exists()

    def shipped(name):
        return subprocess.run([stratus_bin, "--print-key", name, "-c",
                               str(pathlib.Path(ROOT) / "config.tls")],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert shipped("ws_tls_cert") == "run/tls/cert.pem"
    assert shipped("ws_tls_key") == "run/tls/key.pem"
    srv = stratus_server(ws_tls_cert=str(cert), ws_tls_key=str(key), wait_port=True)
    assert served_cert(srv.port) == der(cert)
    ctx = ssl.create_default_context(cafile=str(cert))  # CN and SAN say localhost
    with socket.create_connection(("localhost", srv.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_tcp_port_under_tls_with_tcp_tls(stratus_server, tmp_path, free_port):
    tcp_port = free_port()
    srv = start(stratus_server, tmp_path, tcp_port=tcp_port, tcp_tls=True, log_level="debug")
    assert "TCP (TLS) clients" in srv.log_text()
    ctx = trusting(srv.first_cert)

    async def body():
        c = await stratus_pb.Client.connect(f"tcp://127.0.0.1:{tcp_port}", ssl=ctx)
        await c.login("tcp-tls", "secret")
        data = bytes(range(256)) * 40  # several TLS records
        assert (await c.request(game_pb2.EchoReq, data=data)).data == data
        await c.close()
    asyncio.run(asyncio.wait_for(body(), 30))
    # A plain client on the TLS TCP port: its bytes are not a ClientHello, so it is closed.
    with socket.create_connection(("127.0.0.1", tcp_port), timeout=5) as s:
        s.sendall(b"\x05\x00\x00\x00hello")
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
    srv.wait_for_log("TLS handshake from 127.0.0.1:")
    assert served_cert(tcp_port) == der(srv.first_cert)
    second_cert, second_key = make_pair(tmp_path / "certs", "stratus-b")
    install(second_cert, srv.live_cert)
    install(second_key, srv.live_key)
    srv.proc.send_signal(signal.SIGHUP)
    srv.wait_for_log("TLS (tcp): reloaded")
    assert served_cert(tcp_port) == der(second_cert)


def still_open(sock):
    """True while the server has not closed sock (nothing to read yet, no EOF, no reset)."""
    sock.setblocking(False)  # a socket with a timeout would wait for data first
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.parametrize("transport", ["ws", "tcp"])
def test_connects_that_never_finish_the_tls_handshake_are_capped_by_max_connections(
        stratus_server, tmp_path, free_port, transport):
    limit, flood = 20, 300
    tcp_port = free_port()
    srv = start(stratus_server, tmp_path, max_connections=limit, handshake_timeout_ms=4000,
                tcp_port=tcp_port, tcp_tls=True)
    port = srv.port if transport == "ws" else tcp_port
    fds_before = open_fds(srv.proc.pid)
    socks = []
    try:
        for _ in range(flood):  # TCP connects that never send a ClientHello
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        # The first `limit` hold their place until the handshake timeout; the rest are closed
        # at once, so the server holds no more sockets than the limit allows.
        assert wait_until(lambda: sum(map(still_open, socks)) <= limit, 3), \
            sum(map(still_open, socks))
        assert sum(map(still_open, socks)) == limit
        assert open_fds(srv.proc.pid) <= fds_before + limit + 2
        # Meanwhile a real client finds the server full.
        ctx = trusting(srv.first_cert)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with pytest.raises((ssl.SSLError, OSError)):
                with ctx.wrap_socket(raw, server_hostname="127.0.0.1"):
                    pass
        # At the handshake timeout the silent ones are dropped and their places come back.
        assert wait_until(lambda: not any(map(still_open, socks)), 8)
    finally:
        for s in socks:
            s.close()
    if transport == "ws":
        seen = asyncio.run(asyncio.wait_for(echo_packets(
            f"wss://127.0.0.1:{srv.port}/", "after-flood", b"in", trusting(srv.first_cert)), 30))
        assert len(seen) == 2
    else:
        assert served_cert(tcp_port) == der(srv.first_cert)
    assert srv.proc.poll() is None
