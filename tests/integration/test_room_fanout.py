"""A room of 1,000 members with one that stopped reading (wire.md "Direct messages and rooms"):
every other member still gets every message, in order, and the slow one loses nothing once it
reads again (its own send queue holds what it has not read; nobody waits for it)."""

import asyncio
import os
import sys
import time

from conftest import ROOT
from stratus_harness import free_port

sys.path.insert(0, str(ROOT / "clients" / "python"))
import stratus_pb  # noqa: E402

game_pb2 = stratus_pb.game_pb2
MEMBERS = 1000
MESSAGES = 30


def test_a_slow_reader_in_a_room_of_1000_does_not_delay_the_other_999(stratus_server):
    tcp_port = free_port()
    srv = stratus_server(protocol_type="protobuf", tcp_port=tcp_port, wait_port=True,
                         max_connections_per_ip=2 * MEMBERS, password_queue=2 * MEMBERS,
                         password_ops=1, password_mem_kib=8,
                         migrations_dir=os.path.join(os.path.abspath(ROOT), "migrations"))
    url = f"tcp://127.0.0.1:{tcp_port}"

    async def member(i):
        c = await stratus_pb.Client.connect(url)
        await c.login(f"fan{i}", "pw", timeout=30)
        await asyncio.wait_for(c.pushes.get(), 10)  # welcome
        await c.request(game_pb2.JoinReq, room="arena", timeout=30)
        return c

    async def body():
        members = []
        for start in range(0, MEMBERS, 100):  # 100 at a time: the logins stay well within limits
            members += await asyncio.gather(*(member(i) for i in range(start, start + 100)))
        speaker, slow, others = members[0], members[1], members[2:]
        slow.ws._reader._transport.pause_reading()  # stops reading its socket
        text = "x" * 1000
        t0 = time.monotonic()
        for n in range(MESSAGES):
            said = await speaker.request(game_pb2.RoomSayReq, room="arena", text=f"{n}:{text}")
            assert said.delivered == MEMBERS

        async def all_of(c):
            got = []
            while len(got) < MESSAGES:
                push = await asyncio.wait_for(c.pushes.get(), 30)
                assert push is not None, "connection closed"
                if isinstance(push, game_pb2.RoomNotice):
                    got.append(int(push.text.split(":")[0]))
            return got

        received = await asyncio.gather(*(all_of(c) for c in others + [speaker]))
        took = time.monotonic() - t0
        assert all(r == list(range(MESSAGES)) for r in received)
        print(f"{MESSAGES} messages to {MEMBERS - 1} reading members in {took:.2f} s "
              f"while one member did not read")
        # The slow member gets everything once it reads again: nothing was dropped for it.
        slow.ws._reader._transport.resume_reading()
        assert await all_of(slow) == list(range(MESSAGES))
        await asyncio.gather(*(c.close() for c in members))

    asyncio.run(asyncio.wait_for(body(), 240))
