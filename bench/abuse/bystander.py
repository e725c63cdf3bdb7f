"""The legitimate players measured during an attack: a new account logs in every 0.5 s (at
the server's configured Argon2id cost), and one logged-in player echoes 32 bytes every 20 ms.
Every attempt is kept as (start, seconds, failure or None), times relative to `epoch`.
Each new player connects from its own loopback address (127.2.x.y), as real players would, so
that limits per client address aimed at the attackers do not hit it by accident.
The bystander runs its own event loop on its own thread: sharing the attackers' loop, its
replies would wait behind thousands of attack replies in the same queue, and the bench would
measure itself instead of the server."""
import asyncio
import itertools
import threading
import time

from rpc import address, call, failure_name, logged_in

LOGIN_EVERY = 0.5
ECHO_EVERY = 0.02
TIMEOUT = 5.0


class Bystander:
    def __init__(self, server, codec, epoch, tag):
        self.server = server
        self.codec = codec
        self.epoch = epoch
        self.tag = tag
        self.logins = []  # (start, seconds, failure)
        self.echoes = []
        self._tasks = []
        self._stopping = False
        self.paused = False  # no new logins while set (the RSS readings, see __main__)
        self.in_flight = 0   # logins under way

    def start(self):
        self._stop_flag = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()

    async def stop(self):
        self._stop_flag.set()
        await asyncio.to_thread(self._thread.join)

    async def _run(self):
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
            if not self.paused:
                task = asyncio.create_task(self._one_login(n))
                task.bystander_login = True
            await asyncio.sleep(LOGIN_EVERY)

    async def _one_login(self, n):
        start = self._now()
        failure = None
        self.in_flight += 1
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
            self.in_flight -= 1
        self.logins.append((start, self._now() - start, failure))

    async def _echo_loop(self):
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
