"""Resume after a dropped connection, direct messages and rooms (wire.md "Sessions" and
"Direct messages and rooms"), in both protocol modes, over WebSocket and TCP.

What a client sees: after its connection is cut (no close frame), a resume with its token and
the last seq it got brings the resume reply, then exactly the pushes it missed, in order, with
their original seq, then new ones; too late, after the buffer overflowed, or after it closed
the session itself: RESUME_EXPIRED. A room's say reaches every member and only members."""

import asyncio
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT
from stratus_harness import free_port, wait_until

sys.path.insert(0, str(ROOT / "clients" / "python"))
import stratus_pb  # noqa: E402
import ws_client_sproto as wcs  # noqa: E402

common_pb2, game_pb2 = stratus_pb.common_pb2, stratus_pb.game_pb2
SCHEMAS = wcs.load_schemas(ROOT / "proto")
HASH = {"password_ops": 1, "password_mem_kib": 8,
        "migrations_dir": os.path.join(os.path.abspath(ROOT), "migrations")}


def run(coro, timeout=60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def start(stratus_server, protocol, **keys):
    port = free_port()
    srv = stratus_server(protocol_type=protocol, tcp_port=port, heartbeat_ms=60000,
                         wait_port=True, **{**HASH, **keys})
    srv.urls = [f"ws://127.0.0.1:{srv.port}/", f"tcp://127.0.0.1:{port}"]
    return srv


def cut(client):
    """Drops a client's connection as a lost network would: no close frame."""
    link = client.ws
    if hasattr(link, "abort"):
        link.abort()
    else:
        link.transport.abort()


async def next_push(client, timeout=5):
    push = await asyncio.wait_for(client.pushes.get(), timeout)
    assert push is not None, "the connection closed"
    return push


async def pb_resume(url, token, last_seq):
    """A new connection resuming a session; its reply and the client."""
    client = await stratus_pb.Client.connect(url)
    return client, await client.resume(token, last_seq)


# protobuf mode


@pytest.mark.parametrize("transport", [0, 1], ids=["ws", "tcp"])
def test_protobuf_cut_connection_resumes_with_exactly_the_missed_pushes(stratus_server,
                                                                         transport):
    srv = start(stratus_server, "protobuf")
    url = srv.urls[transport]

    async def body():
        alice = await stratus_pb.Client.connect(url)
        me = await alice.login("res_alice", "pw")
        assert (await next_push(alice)).header.seq == 1  # the welcome notice
        bob = await stratus_pb.Client.connect(url)
        bob_id = (await bob.login("res_bob", "pw")).userid
        # One whisper arrives before the cut; the client saw seq 2.
        assert (await bob.request(game_pb2.SayReq, to_userid=me.userid, text="hi 1")).delivered
        first = await next_push(alice)
        assert (first.text, first.header.seq) == ("hi 1", 2)
        cut(alice)
        await asyncio.sleep(0.3)
        # While alice is away her session waits: whispers are kept for her (delivered).
        for n in (2, 3, 4):
            said = await bob.request(game_pb2.SayReq, to_userid=me.userid, text=f"hi {n}")
            assert said.delivered
        again, resumed = await pb_resume(url, me.token, 2)
        assert (resumed.userid, resumed.replayed) == (me.userid, 3)
        missed = [await next_push(again) for _ in range(3)]
        assert [(m.text, m.header.seq, m.from_userid) for m in missed] == [
            ("hi 2", 3, bob_id), ("hi 3", 4, bob_id), ("hi 4", 5, bob_id)]
        assert again.pushes.empty()
        # New pushes continue the sequence on the new connection; the token still works.
        await bob.request(game_pb2.SayReq, to_userid=me.userid, text="hi 5")
        later = await next_push(again)
        assert (later.text, later.header.seq) == ("hi 5", 6)
        assert (await again.request(game_pb2.PingReq)).server_time_ms > 0
        await again.close()
        await bob.close()

    run(body())


def test_protobuf_resume_expired_after_the_window_after_overflow_and_after_close(
        stratus_server):
    srv = start(stratus_server, "protobuf", resume_grace_s=1, resume_buffer=4)
    url = srv.urls[0]

    async def body():
        # 1. Too late: the window is 1 s.
        late = await stratus_pb.Client.connect(url)
        me = await late.login("exp_late", "pw")
        cut(late)
        await asyncio.sleep(2.0)
        c = await stratus_pb.Client.connect(url)
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c.resume(me.token, 1)
        assert e.value.code == "RESUME_EXPIRED"
        # The client logs in again, as wire.md says, and carries on.
        assert (await c.login("exp_late", "pw")).userid == me.userid
        await c.close()

        # 2. The buffer (4 pushes) overflowed while away.
        away = await stratus_pb.Client.connect(url)
        me = await away.login("exp_full", "pw")
        talker = await stratus_pb.Client.connect(url)
        await talker.login("exp_talker", "pw")
        cut(away)
        await asyncio.sleep(0.2)
        for n in range(6):
            await talker.request(game_pb2.SayReq, to_userid=me.userid, text=f"m{n}")
        c = await stratus_pb.Client.connect(url)
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c.resume(me.token, 1)
        assert e.value.code == "RESUME_EXPIRED"
        await c.close()

        # 3. A session the client closed itself (close frame 1000) is over.
        closer = await stratus_pb.Client.connect(url)
        me = await closer.login("exp_closer", "pw")
        await closer.close()
        await asyncio.sleep(0.2)
        c = await stratus_pb.Client.connect(url)
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await c.resume(me.token, 1)
        assert e.value.code == "RESUME_EXPIRED"
        # A whisper to a user who is gone is not delivered.
        said = await talker.request(game_pb2.SayReq, to_userid=me.userid, text="anyone?")
        assert said.delivered is False
        await c.close()
        await talker.close()

    run(body())


def test_protobuf_room_say_reaches_every_member_and_only_members(stratus_server):
    srv = start(stratus_server, "protobuf")

    async def body():
        users = {}
        # ben on WebSocket: his close frame ends his session (a TCP close waits for a resume).
        for name, url in (("ann", srv.urls[0]), ("ben", srv.urls[0]), ("cid", srv.urls[1])):
            c = await stratus_pb.Client.connect(url)
            c.me = await c.login(f"room_{name}", "pw")
            await next_push(c)  # welcome
            users[name] = c
        ann, ben, cid = users["ann"], users["ben"], users["cid"]
        assert (await ann.request(game_pb2.JoinReq, room="lobby")).members == 1
        assert (await ben.request(game_pb2.JoinReq, room="lobby")).members == 2
        said = await ann.request(game_pb2.RoomSayReq, room="lobby", text="hello room")
        assert said.delivered == 2
        for member in (ann, ben):
            notice = await next_push(member)
            assert isinstance(notice, game_pb2.RoomNotice)
            assert (notice.room, notice.from_userid, notice.text) == (
                "lobby", ann.me.userid, "hello room")
            assert notice.header.seq == 2
        await asyncio.sleep(0.2)
        assert cid.pushes.empty()  # not a member: nothing
        with pytest.raises(stratus_pb.ErrorReply) as e:
            await cid.request(game_pb2.RoomSayReq, room="lobby", text="let me in")
        assert e.value.code == "BAD_REQUEST"
        # Leaving, then a session that ends (close frame) leaves its rooms too.
        await ann.request(game_pb2.LeaveReq, room="lobby")
        assert (await ben.request(game_pb2.RoomSayReq, room="lobby", text="alone")).delivered == 1
        await ben.close()
        await asyncio.sleep(0.3)
        assert (await cid.request(game_pb2.JoinReq, room="lobby")).members == 1
        # Whispers go to one user, across transports.
        said = await cid.request(game_pb2.SayReq, to_userid=ann.me.userid, text="psst")
        assert said.delivered
        whisper = await next_push(ann)
        assert (whisper.from_userid, whisper.text) == (cid.me.userid, "psst")
        await ann.close()
        await cid.close()

    run(body())


# sproto mode


@pytest.mark.parametrize("transport", [0, 1], ids=["ws", "tcp"])
def test_sproto_cut_connection_resumes_with_exactly_the_missed_pushes(stratus_server,
                                                                       transport):
    srv = start(stratus_server, "sproto")
    url = srv.urls[transport]

    async def body():
        amy = await wcs.SprotoClient.connect(url, SCHEMAS)
        signed = await amy.call("signin", {"userid": "sp_amy"})
        await amy.wait_push("push", 5)
        assert amy.last_seq == 1
        bo = await wcs.SprotoClient.connect(url, SCHEMAS)
        await bo.call("signin", {"userid": "sp_bo"})
        cut(amy)
        await asyncio.sleep(0.3)
        for n in range(3):
            assert (await bo.call("say", {"to": "sp_amy", "text": f"yo {n}"})) == {
                "delivered": True}
        again = await wcs.SprotoClient.connect(url, SCHEMAS)
        resumed = await again.call("resume", {"token": signed["token"], "last_seq": 1})
        assert resumed == {"ok": True, "replayed": 3}
        got = [await again.wait_push("whisper", 5) for _ in range(3)]
        assert got == [{"from": "sp_bo", "text": f"yo {n}"} for n in range(3)]
        assert again.seqs == [("whisper", 2), ("whisper", 3), ("whisper", 4)]
        assert await again.call("login") == {"ok": True}  # still signed in as sp_amy
        await bo.call("say", {"to": "sp_amy", "text": "after"})
        assert await again.wait_push("whisper", 5) == {"from": "sp_bo", "text": "after"}
        assert again.last_seq == 5
        # A resume with a token nobody holds: RESUME_EXPIRED.
        with pytest.raises(wcs.ErrorReply) as e:
            await bo.call("resume", {"token": "0" * 32, "last_seq": 0})
        assert e.value.code == "RESUME_EXPIRED"
        await again.close()
        await bo.close()

    run(body())


def test_sproto_rooms(stratus_server):
    srv = start(stratus_server, "sproto")

    async def body():
        a = await wcs.SprotoClient.connect(srv.urls[0], SCHEMAS)
        b = await wcs.SprotoClient.connect(srv.urls[1], SCHEMAS)
        c = await wcs.SprotoClient.connect(srv.urls[0], SCHEMAS)
        with pytest.raises(wcs.ErrorReply) as e:
            await a.call("join", {"room": "den"})
        assert e.value.code == "UNAUTHORIZED"  # sign in first
        for client, name in ((a, "sa"), (b, "sb"), (c, "sc")):
            await client.call("signin", {"userid": name})
            await client.wait_push("push", 5)
        assert await a.call("join", {"room": "den"}) == {"members": 1}
        assert await b.call("join", {"room": "den"}) == {"members": 2}
        assert await a.call("room_say", {"room": "den", "text": "hey"}) == {"delivered": 2}
        for member in (a, b):
            notice = await member.wait_push("room_notice", 5)
            assert notice == {"room": "den", "from": "sa", "text": "hey"}
        await asyncio.sleep(0.2)
        assert c.pushes.empty()
        with pytest.raises(wcs.ErrorReply) as e:
            await c.call("room_say", {"room": "den", "text": "me too"})
        assert e.value.code == "BAD_REQUEST"
        assert await b.call("leave", {"room": "den"}) == {"ok": True}
        assert await b.call("leave", {"room": "den"}) == {"ok": False}
        assert await a.call("room_say", {"room": "den", "text": "bye"}) == {"delivered": 1}
        assert await c.call("say", {"to": "nobody", "text": "?"}) == {"delivered": False}
        for client in (a, b, c):
            await client.close()

    run(body())


class CuttableProxy:
    """A TCP proxy on loopback whose connections can all be dropped at once (no close frame,
    as a phone losing its network), running on its own thread."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.transports = []
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(5)

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            writer.transport.abort()

        async def handle(reader, writer):
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            self.transports += [writer.transport, up_writer.transport]
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

        async def serve():
            self.server = await asyncio.start_server(handle, "127.0.0.1", self.port)
            ready.set()
        self.loop.run_until_complete(serve())
        self.loop.run_forever()

    def cut(self):
        def drop():
            for t in self.transports:
                t.abort()
            self.transports.clear()
        self.loop.call_soon_threadsafe(drop)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_longconn_client_resumes_after_its_connection_drops(stratus_server):
    srv = start(stratus_server, "protobuf")
    proxy = CuttableProxy(srv.port)
    out_path = srv.workdir / "longconn.out"

    def output():
        return out_path.read_text() if out_path.exists() else ""

    with open(out_path, "wb") as out:
        proc = subprocess.Popen(
            ["/usr/bin/python3",
             str(ROOT / "clients" / "python" / "ws_client_longconn.py"),
             "--url", f"ws://127.0.0.1:{proxy.port}/", "--account", "roamer", "--password", "pw",
             "--interval", "0.2", "--backoff-min", "1.0", "--backoff-max", "1.0"],
            stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: "logged in as roamer" in output(), 20), output()
        userid = int(re.search(r"logged in as roamer \(userid (\d+)\)", output()).group(1))
        proxy.cut()

        async def whisper_twice():
            c = await stratus_pb.Client.connect(srv.urls[0])
            await c.login("roamer_friend", "pw")
            await asyncio.sleep(0.2)
            for text in ("while you were away", "and again"):
                said = await c.request(game_pb2.SayReq, to_userid=userid, text=text)
                assert said.delivered  # the session waits for its resume
            await c.close()
        run(whisper_twice())
        assert wait_until(lambda: "2 missed pushes replayed" in output(), 20), output()
        assert wait_until(lambda: "and again" in output(), 5), output()
        assert output().count("logged in as roamer") == 1  # resumed, not logged in again
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0, output()
    finally:
        if proc.poll() is None:
            proc.kill()
        proxy.close()


@pytest.mark.parametrize("protocol", ["protobuf", "sproto"])
def test_chat_client_joins_says_whispers_and_prints_what_arrives(stratus_server, protocol):
    srv = start(stratus_server, protocol)
    proc = subprocess.Popen(["/usr/bin/python3", str(ROOT / "clients" / "python" / "chat.py"),
                             "--protocol", protocol, "--url", srv.urls[0], "--account", "cli"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    lines = []
    arrived = queue.Queue()  # the client's output lines, read on a thread (never blocks a test)
    threading.Thread(target=lambda: [arrived.put(line) for line in proc.stdout] + [arrived.put("")],
                     daemon=True).start()

    def expect(text, timeout=15):
        """Waits until a line holding `text` has been printed (in any order)."""
        if any(text in line for line in lines):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = arrived.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if text in line:
                return
        raise AssertionError(f"no {text!r} in {lines}")

    try:
        expect("in as cli")
        proc.stdin.write("/join hall\n")
        proc.stdin.flush()
        expect("joined hall (1 members)")

        async def friend():
            if protocol == "protobuf":
                c = await stratus_pb.Client.connect(srv.urls[1])
                me = await c.login("friend", "pw")
                assert (await c.request(game_pb2.JoinReq, room="hall")).members == 2
                proc.stdin.write(f"hello from the cli\n/w {me.userid} psst\n")
                proc.stdin.flush()
                notice = await asyncio.wait_for(c.pushes.get(), 5)
                while not isinstance(notice, game_pb2.RoomNotice):
                    notice = await asyncio.wait_for(c.pushes.get(), 5)
                assert notice.text == "hello from the cli"
                whisper = await asyncio.wait_for(c.pushes.get(), 5)
                assert whisper.text == "psst"
                await c.request(game_pb2.RoomSayReq, room="hall", text="hi cli")
            else:
                c = await wcs.SprotoClient.connect(srv.urls[1], SCHEMAS)
                await c.call("signin", {"userid": "friend"})
                assert await c.call("join", {"room": "hall"}) == {"members": 2}
                proc.stdin.write("hello from the cli\n/w friend psst\n")
                proc.stdin.flush()
                assert (await c.wait_push("room_notice", 5))["text"] == "hello from the cli"
                assert (await c.wait_push("whisper", 5))["text"] == "psst"
                await c.call("room_say", {"room": "hall", "text": "hi cli"})
            await c.close()

        run(friend())
        expect("whisper to")
        expect(": hi cli")
        proc.stdin.write("/quit\n")
        proc.stdin.flush()
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
