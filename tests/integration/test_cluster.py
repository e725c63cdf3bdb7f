"""Users across the nodes of a cluster (wire.md "Sessions" and "Direct messages and rooms"):
three real stratus processes joined by a real nats-server, sharing one redis-server and one
MariaDB database, in both protocol modes.

What clients see: a login on one node kicks the same user's connection on another (Kicked,
then 4001), and of concurrent logins on different nodes exactly one connection survives; a
whisper reaches its user on whichever node it is connected to (delivered = false when it is on
none); a room's members sit on different nodes, a join counts all of them, and a room say
reaches each of them exactly once. Node n3 also runs the room directory (`.rooms`), so room
says go to the nodes with members only; when it dies the nodes ask each other directly. A node
killed with SIGKILL takes only its own users with it: the others keep serving, with no error,
and the node rejoins when restarted."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
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
DEAD_AFTER_MS = 800


@contextlib.contextmanager
def frozen(cluster, name, what):
    """Node `name` stopped (SIGSTOP: alive to the others until cluster_dead_after_ms) for the
    block, which must take less than half the dead-after interval: waiting for the frozen node
    would take until it is known dead, 0.7 to 0.8 s from the freeze."""
    proc = cluster.nodes[name].proc
    proc.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        yield
        assert time.monotonic() - started < DEAD_AFTER_MS / 2000, f"{what} waited for the frozen node"
    finally:
        proc.send_signal(signal.SIGCONT)
NODES = ("n1", "n2", "n3")


def run(coro, timeout=90):
    return asyncio.run(asyncio.wait_for(coro, timeout))


class Cluster:
    """Three nodes on one NATS, one Redis and one MariaDB database."""

    def __init__(self, stratus_server, redis, db_keys, nats, protocol):
        self.stratus_server, self.protocol, self.nats = stratus_server, protocol, nats
        self.keys = dict(protocol_type=protocol, heartbeat_ms=60000, wait_port=True,
                         cache="redis", redis_host="127.0.0.1", redis_port=redis.port,
                         cluster=[nats.url], cluster_heartbeat_ms=100,
                         cluster_dead_after_ms=DEAD_AFTER_MS, **db_keys, **HASH)
        self.nodes = {name: self.start(name) for name in NODES}
        for name in NODES:
            self.wait_joined(name)

    def start(self, name, **extra):
        if name == "n3":
            extra = dict(room_directory=True, **extra)
        srv = self.stratus_server(node_name=name, **{**self.keys, **extra})
        srv.url = f"ws://127.0.0.1:{srv.port}/"
        return srv

    def wait_joined(self, name, others=len(NODES) - 1):
        srv = self.nodes[name]
        assert wait_until(lambda: srv.log_text().count("cluster: node ") >= others + 1, 15), \
            srv.log_text()[-3000:]
        # Every other node's heartbeat arrived at least once ("node X is up").
        assert wait_until(lambda: sum(f"cluster: node {o} is up" in srv.log_text()
                                      for o in NODES if o != name) >= others, 15), \
            srv.log_text()[-3000:]

    def url(self, name):
        return self.nodes[name].url


@pytest.fixture(params=["protobuf", "sproto"])
def cluster(request, stratus_server, redis_server, mariadb_server, nats_server):
    redis = redis_server()
    db = mariadb_server.config_keys(mariadb_server.create_database())
    return Cluster(stratus_server, redis, db, nats_server, request.param)


async def next_push(client, timeout=5):
    push = await asyncio.wait_for(client.pushes.get(), timeout)
    assert push is not None, "the connection closed"
    return push


# What each protocol's client does, so one test body covers both modes.

async def pb_login(url, name):
    c = await stratus_pb.Client.connect(url)
    c.me = await c.login(name, "pw")
    c.id, c.token = c.me.userid, c.me.token
    assert isinstance(await next_push(c), game_pb2.Notice)  # welcome
    return c


async def sp_login(url, name):
    c = await wcs.SprotoClient.connect(url, SCHEMAS)
    signed = await c.call("signin", {"userid": name})
    assert signed["ok"] is True
    await c.wait_push("push", 5)  # welcome
    c.id, c.token = name, signed["token"]
    return c


class Pb:
    login = staticmethod(pb_login)

    @staticmethod
    async def say(c, to, text):
        return (await c.request(game_pb2.SayReq, to_userid=to.id if hasattr(to, "id") else to,
                                text=text)).delivered

    @staticmethod
    async def whisper(c):
        w = await next_push(c)
        assert isinstance(w, game_pb2.Whisper), w
        return w.from_userid, w.text

    @staticmethod
    async def join(c, room):
        return (await c.request(game_pb2.JoinReq, room=room)).members

    @staticmethod
    async def room_say(c, room, text):
        return (await c.request(game_pb2.RoomSayReq, room=room, text=text)).delivered

    @staticmethod
    async def notice(c, timeout=5):
        n = await next_push(c, timeout)
        assert isinstance(n, game_pb2.RoomNotice), n
        return n.room, n.from_userid, n.text

    @staticmethod
    async def kicked(c):
        k = await next_push(c)
        assert isinstance(k, common_pb2.Kicked), k
        await asyncio.wait_for(c._reader, 5)
        return k.reason, c.ws.close_code

    @staticmethod
    def alive(c):
        return not c._reader.done()

    @staticmethod
    async def ping(c):
        assert (await c.request(game_pb2.PingReq)).server_time_ms > 0


class Sp:
    login = staticmethod(sp_login)

    @staticmethod
    async def say(c, to, text):
        return (await c.call("say", {"to": to.id if hasattr(to, "id") else to,
                                     "text": text}))["delivered"]

    @staticmethod
    async def whisper(c):
        w = await c.wait_push("whisper", 5)
        return w["from"], w["text"]

    @staticmethod
    async def join(c, room):
        return (await c.call("join", {"room": room}))["members"]

    @staticmethod
    async def room_say(c, room, text):
        return (await c.call("room_say", {"room": room, "text": text}))["delivered"]

    @staticmethod
    async def notice(c, timeout=5):
        n = await c.wait_push("room_notice", timeout)
        return n["room"], n["from"], n["text"]

    @staticmethod
    async def kicked(c):
        k = await c.wait_push("kicked", 5)
        code = await asyncio.wait_for(c.closed, 5)
        return k["reason"], code

    @staticmethod
    def alive(c):
        return not c.closed.done()

    @staticmethod
    async def ping(c):
        assert await c.call("login") == {"ok": True}


def api(cluster):
    return Pb if cluster.protocol == "protobuf" else Sp


def test_whispers_and_rooms_reach_users_on_every_node(cluster):
    p = api(cluster)

    async def body():
        ann = await p.login(cluster.url("n1"), "x_ann")
        ben = await p.login(cluster.url("n2"), "x_ben")
        cid = await p.login(cluster.url("n3"), "x_cid")
        # A whisper crosses nodes; to a user online nowhere it is not delivered.
        assert await p.say(ann, ben, "psst") is True
        assert await p.whisper(ben) == (ann.id, "psst")
        assert await p.say(cid, ann, "back") is True
        assert await p.whisper(ann) == (cid.id, "back")
        nobody = 987654321 if cluster.protocol == "protobuf" else "x_nobody"
        assert await p.say(ann, nobody, "?") is False
        # A room across three nodes: the join counts every node's members, a say reaches
        # each member once, the sender included.
        assert await p.join(ann, "hall") == 1
        assert await p.join(ben, "hall") == 2
        assert await p.join(cid, "hall") == 3
        assert await p.room_say(ben, "hall", "hello all") == 3
        for member in (ann, ben, cid):
            assert await p.notice(member) == ("hall", ben.id, "hello all")
        # Exactly once: nothing else arrives.
        for member in (ann, ben, cid):
            with pytest.raises(asyncio.TimeoutError):
                await p.notice(member, timeout=0.3)
        # A member who ends its session (close frame) leaves the room on its node.
        await cid.close()
        await asyncio.sleep(0.3)
        assert await p.room_say(ann, "hall", "two left") == 2
        for c in (ann, ben):
            await c.close()

    run(body())


def test_a_room_say_goes_only_to_nodes_with_members_through_the_directory(cluster):
    """n2 is frozen (SIGSTOP: alive to the others until cluster_dead_after_ms) and has no
    member of the room: through the directory, a say and a join on n1 and n3 do not wait for
    it. Asking every node instead would wait for n2's node_down."""
    p = api(cluster)
    assert wait_until(lambda: "room directory .rooms is on node n3" in
                      cluster.nodes["n3"].log_text(), 15)

    async def body():
        ann = await p.login(cluster.url("n1"), "x_dann")
        cid = await p.login(cluster.url("n3"), "x_dcid")
        assert await p.join(ann, "nook") == 1
        assert await p.join(cid, "nook") == 2
        await asyncio.sleep(0.3)  # n2's counts reach the directory each heartbeat (100 ms)
        with frozen(cluster, "n2", "a say"):
            assert await p.room_say(ann, "nook", "quick") == 2
            for c in (ann, cid):
                assert await p.notice(c) == ("nook", ann.id, "quick")
            assert await p.room_say(cid, "nook", "quick too") == 2
        for c in (ann, cid):
            await c.close()

    run(body())


def test_a_whisper_goes_to_the_node_its_user_logged_in_on(cluster):
    """Every node hears where each user logs in: with n2 frozen (SIGSTOP, alive to the others
    until cluster_dead_after_ms), a whisper from n1 to a user on n3 goes to n3 and does not
    wait for n2. A whisper to a user online nowhere still asks every node."""
    p = api(cluster)

    async def body():
        ann = await p.login(cluster.url("n1"), "x_wann")
        cid = await p.login(cluster.url("n3"), "x_wcid")
        await asyncio.sleep(0.3)  # cid's login announcement reaches n1
        with frozen(cluster, "n2", "a whisper"):
            assert await p.say(ann, cid, "direct") is True
            assert await p.whisper(cid) == (ann.id, "direct")
            assert await p.say(cid, ann, "and back") is True
            assert await p.whisper(ann) == (cid.id, "and back")
        for c in (ann, cid):
            await c.close()

    run(body())


def test_a_login_on_another_node_kicks_the_first_with_4001(cluster):
    p = api(cluster)

    async def body():
        first = await p.login(cluster.url("n1"), "x_dora")
        second = await p.login(cluster.url("n2"), "x_dora")
        assert await p.kicked(first) == ("logged in elsewhere", 4001)
        await p.ping(second)
        # The user is reached on its new node.
        eve = await p.login(cluster.url("n3"), "x_eve")
        assert await p.say(eve, second, "found you") is True
        assert await p.whisper(second) == (eve.id, "found you")
        for c in (second, eve):
            await c.close()

    run(body())


def test_concurrent_logins_on_three_nodes_leave_exactly_one(cluster):
    p = api(cluster)

    async def body():
        urls = [cluster.url(n) for n in NODES] * 3
        clients = await asyncio.gather(*(p.login(u, "x_crowd") for u in urls),
                                       return_exceptions=True)
        await asyncio.sleep(1.5)  # announcements travel; close handshakes finish
        logged = [c for c in clients if not isinstance(c, BaseException)]
        alive = [c for c in logged if p.alive(c)]
        assert len(alive) == 1, f"{len(alive)} of {len(logged)} connections survived"
        await p.ping(alive[0])
        for c in logged:
            await c.close()

    run(body())


def test_a_killed_node_takes_only_its_users_and_rejoins(cluster):
    p = api(cluster)

    async def body():
        ann = await p.login(cluster.url("n1"), "x_kann")
        ben = await p.login(cluster.url("n2"), "x_kben")
        cid = await p.login(cluster.url("n3"), "x_kcid")
        for i, c in enumerate((ann, ben, cid)):
            assert await p.join(c, "den") == i + 1
        assert await p.room_say(ann, "den", "before") == 3
        for c in (ann, ben, cid):
            assert await p.notice(c) == ("den", ann.id, "before")

        cluster.nodes["n3"].proc.send_signal(signal.SIGKILL)
        cluster.nodes["n3"].proc.wait()
        # Right away (n3 not yet known dead: the say waits for its node_down, at most
        # cluster_dead_after_ms) and after: no error, the live members only.
        started = time.monotonic()
        assert await p.room_say(ann, "den", "during") == 2
        for c in (ann, ben):
            assert await p.notice(c) == ("den", ann.id, "during")
        await asyncio.sleep(max(0, DEAD_AFTER_MS / 1000 + 0.3 - (time.monotonic() - started)))
        assert await p.room_say(ben, "den", "after") == 2
        for c in (ann, ben):
            assert await p.notice(c) == ("den", ben.id, "after")
        assert await p.say(ann, cid, "gone?") is False
        await p.ping(ann)
        await p.ping(ben)

        # n3 restarts and rejoins: its new users are reached again.
        cluster.nodes["n3"] = cluster.start("n3", ws_port=cluster.nodes["n3"].port)
        for name in ("n1", "n2"):
            srv = cluster.nodes[name]
            assert wait_until(lambda: "cluster: node n3 restarted" in srv.log_text()
                              or srv.log_text().count("cluster: node n3 is up") >= 2, 15)
        cluster.wait_joined("n3")
        dan = await p.login(cluster.url("n3"), "x_kdan")
        assert await p.join(dan, "den") == 3
        assert await p.say(dan, ann, "hi from the new n3") is True
        assert await p.whisper(ann) == (dan.id, "hi from the new n3")
        for c in (ann, ben, dan):
            await c.close()

    run(body())


def test_nats_going_away_stops_only_cross_node_work_and_it_comes_back(cluster):
    p = api(cluster)

    async def body():
        ann = await p.login(cluster.url("n1"), "x_nann")
        amy = await p.login(cluster.url("n1"), "x_namy")
        ben = await p.login(cluster.url("n2"), "x_nben")
        cluster.nats.kill()
        # Without NATS: every node keeps serving its own users; a push to a user on another
        # node is not delivered (no error, no wait), one on this node is.
        assert await p.say(ann, amy, "same node") is True
        assert await p.whisper(amy) == (ann.id, "same node")
        assert await p.say(ann, ben, "other node") is False
        await p.ping(ben)
        assert await p.join(ann, "nats") == 1
        assert await p.join(ben, "nats") == 1
        # NATS back on its port: the nodes reconnect by themselves and reach each other again.
        cluster.nats.start()
        deadline = time.monotonic() + 20
        while not await p.say(ann, ben, "back") and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert await p.whisper(ben) == (ann.id, "back")
        assert await p.room_say(ben, "nats", "all here") == 2
        for c in (ann, ben):
            assert await p.notice(c) == ("nats", ben.id, "all here")
        for c in (ann, amy, ben):
            await c.close()

    run(body())


def test_the_example_configs_are_three_nodes_of_one_cluster(stratus_bin):
    """examples/cluster, as README's "Running a cluster" starts it: each file is accepted by the
    binary and names its own node and ports, on one NATS, Redis and MariaDB; two gateway nodes
    and a game node that runs the room directory."""
    env = dict(os.environ, STRATUS_MYSQL_PASSWORD="example")
    seen = set()
    for node in ("gate1", "gate2", "game1"):
        path = ROOT / "examples" / "cluster" / f"{node}.config"

        def key(name):
            out = subprocess.run([stratus_bin, "--print-key", name, "-c", str(path)], env=env,
                                 capture_output=True, text=True, check=True)
            return out.stdout.strip()

        assert key("node_name") == node
        assert key("room_directory") == ("true" if node == "game1" else "false")
        assert key("cluster") == "nats://127.0.0.1:4222"
        assert (key("cache"), key("db")) == ("redis", "mysql")
        ports = (key("ws_port"), key("admin_port"), key("console_port"), key("daemon"))
        assert not seen & set(ports), f"{node} shares {seen & set(ports)}"
        seen |= set(ports)


def test_a_drained_node_s_users_resume_on_another_node(cluster):
    """wire.md "Drain": the node closes its connections with 1001 and its players resume on
    another node, with the pushes they missed and their rooms."""
    p = api(cluster)
    pb = cluster.protocol == "protobuf"

    async def body():
        ann = await p.login(cluster.url("n1"), "x_dann")
        ben = await p.login(cluster.url("n2"), "x_dben")
        assert await p.join(ann, "hall") == 1
        assert await p.join(ben, "hall") == 2
        assert await p.say(ben, ann, "one") is True
        assert await p.whisper(ann) == (ben.id, "one")  # seq 2: the last ann is sure of
        assert await p.say(ben, ann, "two") is True     # seq 3: ann will say she missed it
        assert await p.whisper(ann) == (ben.id, "two")

        n1 = cluster.nodes["n1"]
        n1.proc.send_signal(signal.SIGTERM)
        assert n1.proc.wait(15) == 0
        if pb:
            await asyncio.wait_for(ann._reader, 5)
            assert ann.ws.close_code == 1001
        else:
            assert await asyncio.wait_for(ann.closed, 5) == 1001
        assert "sessions left for a resume on another node" in n1.log_text()

        # ann comes back on n2 with her token and the last seq she is sure of.
        if pb:
            again = await stratus_pb.Client.connect(cluster.url("n2"))
            resumed = await again.resume(ann.token, 2)
            assert (resumed.userid, resumed.replayed) == (ann.id, 1)
            missed = await next_push(again)
            assert (missed.text, missed.header.seq, missed.from_userid) == ("two", 3, ben.id)
        else:
            again = await wcs.SprotoClient.connect(cluster.url("n2"), SCHEMAS)
            resumed = await again.call("resume", {"token": ann.token, "last_seq": 2})
            assert resumed == {"ok": True, "replayed": 1}
            assert await again.wait_push("whisper", 5) == {"from": ben.id, "text": "two"}
            assert again.seqs[-1] == ("whisper", 3)
        again.id, again.token = ann.id, ann.token
        # Still in her room, still herself, the sequence goes on.
        assert await p.room_say(ben, "hall", "welcome back") == 2
        assert await p.notice(again) == ("hall", ben.id, "welcome back")
        assert await p.notice(ben) == ("hall", ben.id, "welcome back")
        assert await p.say(ben, again, "three") is True
        assert await p.whisper(again) == (ben.id, "three")
        # The session moved once: the same token again finds nothing more to take.
        if pb:
            other = await stratus_pb.Client.connect(cluster.url("n3"))
            with pytest.raises(stratus_pb.ErrorReply) as e:
                await other.resume(ann.token, 2)
        else:
            other = await wcs.SprotoClient.connect(cluster.url("n3"), SCHEMAS)
            with pytest.raises(wcs.ErrorReply) as e:
                await other.call("resume", {"token": ann.token, "last_seq": 2})
        assert e.value.code == "RESUME_EXPIRED"
        for c in (again, ben, other):
            await c.close()

    run(body())
