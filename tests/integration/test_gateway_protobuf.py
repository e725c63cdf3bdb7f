"""The gateway in protobuf mode, end to end: a real stratus process and real WebSocket clients."""
import asyncio
import os
import socket
import struct
import sys

import pytest
import websockets

ROOT = os.environ.get("STRATUS_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import stratus_pb  # noqa: E402

common_pb2, game_pb2 = stratus_pb.common_pb2, stratus_pb.game_pb2

# 200 clients log in at once below: let their (cheap) hashes all queue, where the default
# password_queue (64) would answer some RATE_LIMITED on a slow (sanitized) build.
FAST_HASH = {"password_ops": 1, "password_mem_kib": 8, "password_queue": 1024,
             "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}


def url(server):
    return f"ws://127.0.0.1:{server.port}/"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


@pytest.fixture
def server(stratus_server):
    return stratus_server(protocol_type="protobuf", wait_port=True, **FAST_HASH)


async def logged_in(server, account="alice", password="secret"):
    c = await stratus_pb.Client.connect(url(server))
    await c.login(account, password)
    return c


def test_login_then_ping_echo_and_a_notice_push(server):
    async def body():
        c = await stratus_pb.Client.connect(url(server))
        resp = await c.login("alice", "secret")
        assert resp.userid > 0 and len(resp.token) == 32 and resp.expires_in > 0
        notice = await asyncio.wait_for(c.pushes.get(), 5)
        assert isinstance(notice, game_pb2.Notice) and "alice" in notice.text
        pong = await c.request(game_pb2.PingReq)
        assert pong.server_time_ms > 0
        assert (await c.request(game_pb2.EchoReq, data=b"")).data == b""
        big = os.urandom(65536 - 200)  # max_message_size minus the header's overhead
        assert (await c.request(game_pb2.EchoReq, data=big)).data == big
        # The same account logs in again with the same id; a wrong password is refused.
        c2 = await stratus_pb.Client.connect(url(server))
        assert (await c2.login("alice", "secret")).userid == resp.userid
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c2.login("alice", "wrong")
        assert e.value.error.code == "UNAUTHORIZED"
        await c.close()
        await c2.close()
    run(body())


def test_requests_before_login_get_unauthorized(server):
    async def body():
        c = await stratus_pb.Client.connect(url(server))
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c.request(game_pb2.PingReq)
        assert e.value.error.code == "UNAUTHORIZED"
        assert e.value.error.header.session_id == 1
        c.token = "0" * 32
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c.request(game_pb2.EchoReq, data=b"x")
        assert e.value.error.code == "UNAUTHORIZED"
        await c.close()
    run(body())


def test_an_expired_token_gets_unauthorized_even_on_its_own_connection(stratus_server):
    server = stratus_server(protocol_type="protobuf", wait_port=True, token_ttl_s=1, **FAST_HASH)

    async def body():
        c = await logged_in(server, "brief")
        try:
            assert (await c.request(game_pb2.EchoReq, data=b"x")).data == b"x"
            await asyncio.sleep(1.6)
            with pytest.raises(stratus_pb.ErrorReply) as e:
                await c.request(game_pb2.EchoReq, data=b"x")
            assert e.value.code == "UNAUTHORIZED"
            await c.login("brief", "secret")  # a fresh login works again
            assert (await c.request(game_pb2.EchoReq, data=b"y")).data == b"y"
        finally:
            await c.close()
    run(body())


def test_a_token_from_another_connection_is_accepted(server):
    async def body():
        first = await logged_in(server, "bob")
        second = await stratus_pb.Client.connect(url(server))
        second.token = first.token
        assert (await second.request(game_pb2.EchoReq, data=b"hi")).data == b"hi"
    run(body())


def raw_packet(msg_type, session, body=b""):
    header = common_pb2.Header(msg_type=msg_type, session_id=session)
    hb = header.SerializeToString()
    payload = b"\x0a" + bytes([len(hb)]) + hb + body
    return struct.pack("<I", len(payload)) + payload


def test_unknown_type_and_malformed_packets_get_errors_then_1008(server):
    async def body():
        async with websockets.connect(url(server)) as ws:
            await ws.send(raw_packet("game.NoSuchReq", 7))
            header, err = stratus_pb.decode(await ws.recv())
            assert err.code == "UNKNOWN_MESSAGE_TYPE" and header.session_id == 7
            # length prefix that lies: INVALID_MESSAGE, connection kept
            await ws.send(struct.pack("<I", 99) + b"abc")
            _, err = stratus_pb.decode(await ws.recv())
            assert err.code == "INVALID_MESSAGE"
            await ws.send(b"\x01\x00")
            _, err = stratus_pb.decode(await ws.recv())
            assert err.code == "INVALID_MESSAGE"
            await ws.send(b"\xff\xff\xff\xff\x00")
            _, err = stratus_pb.decode(await ws.recv())
            assert err.code == "INVALID_MESSAGE"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.code == 1008
    run(body())


def test_oversized_and_text_messages_close_with_1009_and_1003(server):
    async def body():
        async with websockets.connect(url(server), max_size=None) as ws:
            await ws.send(b"\x00" * (65536 + 1))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.code == 1009
        async with websockets.connect(url(server)) as ws:
            await ws.send("hello")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.code == 1003
    run(body())


def test_pipelining_past_max_pending_requests_closes_with_1008(stratus_server):
    # Logins suspend (database, hashing), so the requests behind them queue in the agent;
    # past max_pending_requests the connection is closed instead of buffering without bound.
    server = stratus_server(protocol_type="protobuf", wait_port=True, max_pending_requests=8,
                            **FAST_HASH)

    async def body():
        async with websockets.connect(url(server)) as ws:
            for session in range(1, 301):
                message = stratus_pb.request_message(game_pb2.LoginReq, session,
                                                     account="flood", password="pw")
                await ws.send(stratus_pb.frame(message))
            replies = 0
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
                    replies += 1
            assert closed.value.code == 1008
            assert "too many requests waiting" in closed.value.reason
            assert replies < 300
        # Within the bound, pipelining is fine.
        c = await stratus_pb.Client.connect(url(server))
        try:
            await c.login("calm", "pw")
            replies = await asyncio.gather(*(c.request(game_pb2.PingReq) for _ in range(8)))
            assert len(replies) == 8
        finally:
            await c.close()
    run(body())


def test_many_clients_each_get_their_own_replies(server):
    async def client(i):
        c = await logged_in(server, f"user{i}", "pw")
        for k in range(100):
            data = f"{i}:{k}".encode()
            assert (await c.request(game_pb2.EchoReq, data=data)).data == data
        await c.close()

    async def body():
        await asyncio.gather(*(client(i) for i in range(200)))
    run(body())


def test_a_client_that_stops_reading_is_dropped_and_others_keep_going(stratus_server):
    server = stratus_server(protocol_type="protobuf", wait_port=True, max_send_queue=256 * 1024,
                            **FAST_HASH)

    async def body():
        # The slow client: raw socket, upgrade, then flood requests and never read.
        slow = socket.create_connection(("127.0.0.1", server.port))
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        good = await logged_in(server, "fast", "pw")
        hello = await stratus_pb.Client.connect(url(server))
        await hello.login("slow", "pw")
        token = hello.token
        req = stratus_pb.frame(stratus_pb.request_message(game_pb2.EchoReq, 1, token,
                                                          data=b"x" * 8000))
        frame_hdr = bytes([0x82, 0xFE]) + struct.pack(">H", len(req)) + b"\x00\x00\x00\x00"
        slow.setblocking(False)
        sent = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        dropped = False
        unsent = b""  # the rest of a frame the socket took only part of
        while loop.time() < deadline:
            try:
                if not unsent:
                    unsent = frame_hdr + req
                    sent += 1
                unsent = unsent[slow.send(unsent):]
            except BlockingIOError:
                await asyncio.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                dropped = True
                break
            if sent % 50 == 0:
                # the well-behaved client still gets prompt answers
                assert (await asyncio.wait_for(good.request(game_pb2.EchoReq, data=b"ok"), 2)).data == b"ok"
        assert dropped, "the server kept a client that never reads"
        assert (await good.request(game_pb2.EchoReq, data=b"still")).data == b"still"
    run(body())


def test_a_peer_that_breaks_the_protocol_and_keeps_sending_is_cut_off(server):
    # An unmasked client frame is a protocol error (1002). The server then drains until the
    # peer closes; a peer that never stops sending must still lose the socket (close timeout).
    async def body():
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        s.sendall(b"\x82\x02hi")  # unmasked
        s.setblocking(False)
        loop = asyncio.get_running_loop()
        began = loop.time()
        cut = False
        while loop.time() - began < 15:
            try:
                s.send(b"\x00" * 4096)
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
            await asyncio.sleep(0.005)
        s.close()
        assert cut, "the server kept draining a peer that never stops sending"
        assert loop.time() - began < 10
        c = await logged_in(server, "after", "pw")  # and it still serves others
        assert (await c.request(game_pb2.EchoReq, data=b"ok")).data == b"ok"
        await c.close()
    run(body())


def test_max_connections_refuses_with_503(stratus_server):
    server = stratus_server(protocol_type="protobuf", wait_port=True, max_connections=2,
                            **FAST_HASH)

    async def body():
        a = await websockets.connect(url(server))
        b = await websockets.connect(url(server))
        with pytest.raises(websockets.InvalidStatusCode) as refused:
            await websockets.connect(url(server))
        assert refused.value.status_code == 503
        await a.close()
        await b.close()
    run(body())


def test_origin_allow_list_and_idle_timeout(stratus_server):
    server = stratus_server(protocol_type="protobuf", wait_port=True, idle_timeout_ms=300,
                            ws_origins=["http://game.example"], **FAST_HASH)

    async def body():
        with pytest.raises(websockets.InvalidStatusCode) as refused:
            await websockets.connect(url(server), origin="http://evil.example")
        assert refused.value.status_code == 403
        ws = await websockets.connect(url(server), origin="http://game.example", ping_interval=None)
        # This client does not answer pings (its reader is idle): 1001 after the grace.
        ws.transport.pause_reading()
        await asyncio.sleep(1.5)
        ws.transport.resume_reading()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.code == 1001
    run(body())
