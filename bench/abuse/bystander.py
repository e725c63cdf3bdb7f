"""The legitimate players measured during an attack: a new account logs in every 0.5 s (at
the server's configured Argon2id cost), and one logged-in player echoes 32 bytes every 20 ms.
Every attempt is kept as (start, seconds, failure or None), times relative to `epoch`.
Each new player connects from its own loopback address (127.2.x.y), as real players would, so
that limits per client address aimed at the attackers do not hit it by accident.
The bystander runs in its own process: sharing the attackers' event loop, its replies would
wait behind thousands of attack replies in the same queue, and sharing their interpreter, its
timings would include waits for the GIL; either way the bench would measure itself instead of
the server. Only plain data crosses: the port, the codec's name, the shared flags, the results."""
import asyncio
import itertools
import multiprocessing
import sys
import time
import types

_SPAWN = multiprocessing.get_context("spawn")

LOGIN_EVERY = 0.5
ECHO_EVERY = 0.02
TIMEOUT = 5.0


class Bystander:
    """The handle the bench holds: start(), the `paused` flag, `in_flight`, and after stop()
    the `logins` and `echoes` lists."""

    def __init__(self, server, codec, epoch, tag):
        self._args = (server.port, codec.name, epoch, tag, list(sys.path))
        self._paused = _SPAWN.Value("b", 0, lock=False)
        self._in_flight = _SPAWN.Value("i", 0)
        self._stop_flag = _SPAWN.Event()
        self._results, self._results_in = _SPAWN.Pipe(duplex=False)
        self._process = None
        self.logins = []  # (start, seconds, failure)
        self.echoes = []

    @property
    def paused(self):  # no new logins while set (the RSS readings, see __main__)
        return bool(self._paused.value)

    @paused.setter
    def paused(self, value):
        self._paused.value = 1 if value else 0

    @property
    def in_flight(self):  # logins under way
        return self._in_flight.value

    def start(self):
        self._process = _SPAWN.Process(
            target=_player_main, daemon=True,
            args=(*self._args, self._paused, self._in_flight, self._stop_flag, self._results_in))
        self._process.start()

    async def stop(self):
        self._stop_flag.set()
        if self._process is None:
            return
        if await asyncio.to_thread(self._results.poll, 30):
            self.logins, self.echoes = self._results.recv()
        await asyncio.to_thread(self._process.join, 5)


def _player_main(port, codec_name, epoch, tag, path, paused, in_flight, stop_flag, results):
    sys.path[:] = path
    import packets  # noqa: PLC0415 (imported in the child, after its sys.path is set)
    player = _Player(types.SimpleNamespace(port=port), packets.codec(codec_name), epoch, tag,
                     paused, in_flight, stop_flag)
    asyncio.run(player.run())
    results.send((player.logins, player.echoes))


class _Player:
    def __init__(self, server, codec, epoch, tag, paused, in_flight, stop_flag):
        self.server = server
        self.codec = codec
        self.epoch = epoch
        self.tag = tag
        self.logins = []
        self.echoes = []
        self._stopping = False
        self._paused = paused
        self._in_flight = in_flight
        self._stop_flag = stop_flag

    def _count(self, delta):
        with self._in_flight.get_lock():
            self._in_flight.value += delta

    async def run(self):
        tasks = [asyncio.create_task(self._login_loop()), asyncio.create_task(self._echo_loop())]
        while not self._stop_flag.is_set():
            await asyncio.sleep(0.05)
        self._stopping = True
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        pending = [t for t in asyncio.all_tasks() if getattr(t, "bystander_login", False)]
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _now(self):
        return time.monotonic() - self.epoch

    async def _login_loop(self):
        for n in itertools.count():
            if not self._paused.value:
                task = asyncio.create_task(self._one_login(n))
                task.bystander_login = True
            await asyncio.sleep(LOGIN_EVERY)

    async def _one_login(self, n):
        from rpc import address, failure_name, logged_in  # noqa: PLC0415
        start = self._now()
        failure = None
        self._count(1)
        try:
            client, _, _ = await logged_in(self.server, self.codec, f"{self.tag}_new{n}",
                                           "bystander-secret", TIMEOUT,
                                           source=address(2, n))
            await client.close()
        except asyncio.CancelledError:
            return  # stopped mid-login: not a result
        except Exception as e:  # noqa: BLE001 (every failure is a data point)
            failure = failure_name(e)
        finally:
            self._count(-1)
        self.logins.append((start, self._now() - start, failure))

    async def _echo_loop(self):
        from rpc import address, call, failure_name, logged_in  # noqa: PLC0415
        data = "e" * 32 if self.codec.name == "sproto" else b"e" * 32
        client = None
        session = 1
        while not self._stopping:
            start = self._now()
            try:
                if client is None:
                    client, token, _ = await logged_in(self.server, self.codec,
                                                       f"{self.tag}_echo", "bystander-secret",
                                                       TIMEOUT, source=address(3, 0))
                    start = self._now()  # the echo is timed, not the (re)login
                session += 1
                await call(client, self.codec, self.codec.echo(session, token, data), session,
                           TIMEOUT)
                self.echoes.append((start, self._now() - start, None))
            except asyncio.CancelledError:
                break
            except Exception as e:  # noqa: BLE001
                self.echoes.append((start, self._now() - start, failure_name(e)))
                if client is not None:
                    await client.close()
                client = None
            await asyncio.sleep(ECHO_EVERY)
        if client is not None:
            await client.close()
