"""The attacks of the abuse bench. Each one runs until its `stop` event is set, counts what the
server answered in `notes`, and says how many connections it keeps open (`held`) for the
memory figure. Scale (clients, sizes) follows the issue that asked for this bench. Attack
client i connects from loopback address 127.1.x.y number i (or i mod `sources` when set), so
an attack can come from one address or from many."""
import asyncio
import collections

from rpc import address, call, failure_name, logged_in
from wsraw import Closed, RawClient, client_frame

TIMEOUT = 10.0


class Attack:
    name = ""
    protocol = "protobuf"
    memory = False  # the goal is on RSS per held connection, not on latency
    about = ""

    def __init__(self, server, codec, sources=0):
        self.server, self.codec, self.sources = server, codec, sources
        self.notes = collections.Counter()
        self.held = []  # connections kept open (idle) until close()

    def source(self, i):
        """The loopback address attack client i connects from."""
        return address(1, i % self.sources if self.sources else i)

    async def prepare(self):
        """Runs before the bystander's baseline (e.g. creates the victim account)."""

    async def run(self, stop):
        raise NotImplementedError

    async def close(self):
        await asyncio.gather(*(c.close() for c in self.held), return_exceptions=True)
        self.held = []

    async def _drain(self, client, stop):
        """Reads and counts replies until stop or the end of the connection."""
        try:
            while not stop.is_set():
                _, kind, detail = self.codec.parse(await client.recv())
                self.notes[detail if kind == "error" else "reply " + kind] += 1
        except Closed as e:
            self.notes[f"closed {e.code}"] += 1


class WrongPassword(Attack):
    name = "wrong-password"
    about = "64 clients: LoginReq with a wrong password for one existing account, in a loop"

    async def prepare(self):
        client, _, _ = await logged_in(self.server, self.codec, "victim", "right-password", 30,
                                       source=address(4, 0))
        await client.close()

    async def _one(self, i, stop):
        session = 1
        while not stop.is_set():
            try:
                client = await RawClient.connect("127.0.0.1", self.server.port,
                                                 source=self.source(i))
            except (OSError, asyncio.TimeoutError) as e:
                self.notes["connect: " + str(e)] += 1
                await asyncio.sleep(0.05)
                continue
            try:
                while not stop.is_set():
                    session += 1
                    packet = self.codec.login(session, "victim", f"wrong-{i}-{session}")
                    try:
                        await call(client, self.codec, packet, session, TIMEOUT)
                        self.notes["accepted?!"] += 1
                    except Exception as e:  # noqa: BLE001
                        self.notes[failure_name(e)] += 1
                        if not str(failure_name(e)).isupper():
                            break  # closed, dropped or timed out: reconnect
            finally:
                await client.close()

    async def run(self, stop):
        await asyncio.gather(*(self._one(i, stop) for i in range(64)))


class LoginBurst(Attack):
    name = "login-burst"
    about = "100 clients connect at once, each logs in to a new account"

    async def _one(self, i):
        try:
            client, _, seconds = await logged_in(self.server, self.codec, f"burst{i}",
                                                 "burst-secret", TIMEOUT, source=self.source(i))
            await client.close()
            self.notes["ok"] += 1
            return seconds
        except Exception as e:  # noqa: BLE001
            self.notes[failure_name(e)] += 1
            return None

    async def run(self, stop):
        self.notes["waiting at stop"] = 100
        times = sorted(t for t in await asyncio.gather(*(self._one(i) for i in range(100)))
                       if t is not None)
        del self.notes["waiting at stop"]
        if times:
            self.notes["ok p50 ms"] = round(1000 * times[len(times) // 2])
            self.notes["ok max ms"] = round(1000 * times[-1])
        await stop.wait()

    async def close(self):
        if "waiting at stop" in self.notes:
            self.notes["waiting at stop"] -= sum(v for k, v in self.notes.items()
                                                 if k != "waiting at stop")
        await super().close()


class SprotoZeroBody(Attack):
    name = "sproto-zero-body"
    protocol = "sproto"
    memory = True
    about = "300 sproto clients each send one 65,533-byte all-zero body, then stay idle"

    async def _one(self, i, stop, gate):
        async with gate:
            try:
                client = await RawClient.connect("127.0.0.1", self.server.port,
                                                 source=self.source(i))
            except (OSError, asyncio.TimeoutError) as e:
                self.notes["connect: " + str(e)] += 1
                return
        self.held.append(client)
        client.send((65533).to_bytes(2, "big") + bytes(65533))
        await self._drain(client, stop)

    async def run(self, stop):
        gate = asyncio.Semaphore(64)
        await asyncio.gather(*(self._one(i, stop, gate) for i in range(300)))


class BigEcho(Attack):
    name = "pb-big-echo"
    memory = True
    about = "8 logged-in protobuf clients, idle until the attack: 255 EchoReq of 60 KiB at once each"

    # The clients log in before the idle reading, so the figure per connection is what the attack
    # left on top of a logged-in idle connection (the issue's "what an untouched idle connection
    # uses"), not the cost of the login itself (account row, session, agent).
    clients = 8

    async def prepare(self):
        self.tokens = []
        for i in range(self.clients):
            try:
                client, token, _ = await logged_in(self.server, self.codec, f"bigecho{i}",
                                                   "big-secret", 30, source=self.source(i))
            except Exception as e:  # noqa: BLE001
                self.notes["login " + failure_name(e)] += 1
                continue
            self.held.append(client)
            self.tokens.append(token)

    async def _one(self, client, token, stop):
        data = bytes(60 * 1024)
        for session in range(2, 257):
            client.send(self.codec.echo(session, token, data))
        await self._drain(client, stop)

    async def run(self, stop):
        await asyncio.gather(*(self._one(c, t, stop) for c, t in zip(self.held, self.tokens)))


class BigEcho64(BigEcho):
    name = "pb-big-echo-64"
    about = "64 logged-in protobuf clients, idle until the attack: 255 EchoReq of 60 KiB at once each"
    clients = 64


class Flood(Attack):
    name = "flood"
    about = "4 logged-in clients send 32-byte EchoReq as fast as the socket takes them"

    async def _one(self, i, stop):
        while not stop.is_set():
            try:
                client, token, _ = await logged_in(self.server, self.codec, f"flood{i}",
                                                   "flood-secret", TIMEOUT,
                                                   source=self.source(i))
            except Exception as e:  # noqa: BLE001
                self.notes["login " + failure_name(e)] += 1
                await asyncio.sleep(0.05)
                continue
            chunk = b"".join(client_frame(self.codec.echo(2 + s, token, b"f" * 32))
                             for s in range(256))
            reader = asyncio.create_task(self._count(client, stop))
            try:
                while not stop.is_set() and not reader.done():
                    client.send_frames(chunk)
                    self.notes["requests sent"] += 256
                    await client.drain()
            except (ConnectionError, OSError):
                pass
            await client.close()
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _count(self, client, stop):
        # Replies are only counted (no decoding), so the reader keeps up with the flood.
        try:
            while not stop.is_set():
                reply = await client.recv()
                self.notes["RATE_LIMITED" if b"RATE_LIMITED" in reply else "replies"] += 1
        except Closed as e:
            self.notes[f"closed {e.code}"] += 1

    async def run(self, stop):
        await asyncio.gather(*(self._one(i, stop) for i in range(4)))


ALL = [WrongPassword, LoginBurst, SprotoZeroBody, BigEcho, BigEcho64, Flood]
