"""The server process as the bench sees it: started with a temporary config, sampled from
/proc (VmRSS, utime + stime) every 0.1 s while an attack runs."""
import asyncio
import os
import time

from stratus_harness import StratusServer  # tests/integration (path set by packets.py)

TICK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    """Resident set size of pid in KiB (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid):
    """CPU seconds (user + system) used by pid so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)
    except (OSError, IndexError, ValueError):
        return 0.0


def start_server(binary, workdir, protocol, root):
    """A fresh stratus on a free loopback port: memory cache, SQLite in workdir, the
    shipped defaults otherwise (so logins hash at the default Argon2id cost). The demo
    schemas are linked into the working folder, where the server also looks for them, so a
    binary copied elsewhere still finds them."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "proto").symlink_to(root / "proto")
    return StratusServer.start(binary, workdir, wait_for=None, wait_port=True,
                               protocol_type=protocol, log_level="warn",
                               logger=str(workdir / "server.log"), cache="memory", db="sqlite",
                               migrations_dir=str(root / "migrations"))


class Sampler:
    """Samples (time since epoch, RSS KiB, CPU seconds) of pid until stopped."""

    def __init__(self, pid, epoch, every=0.1):
        self.pid, self.epoch, self.every = pid, epoch, every
        self.samples = []
        self._task = None

    def start(self):
        self._task = asyncio.create_task(self._run())

    async def stop(self):
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self):
        while True:
            self.samples.append((time.monotonic() - self.epoch, rss_kib(self.pid),
                                 cpu_seconds(self.pid)))
            await asyncio.sleep(self.every)

    def rss_at(self, t0, t1):
        """Mean RSS over samples in [t0, t1] (the nearest sample when none)."""
        inside = [s[1] for s in self.samples if t0 <= s[0] <= t1]
        if inside:
            return sum(inside) / len(inside)
        return min(self.samples, key=lambda s: abs(s[0] - t1))[1] if self.samples else 0

    def rss_low(self, t0, t1):
        """Lowest RSS over samples in [t0, t1] (the nearest sample when none)."""
        inside = [s[1] for s in self.samples if t0 <= s[0] <= t1]
        return min(inside) if inside else self.rss_at(t0, t1)

    def rss_peak(self, t0, t1):
        return max((s[1] for s in self.samples if t0 <= s[0] <= t1), default=0)

    def cpu_percent(self, t0, t1):
        """CPU use over [t0, t1] in percent of one core."""
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return 0.0
        return 100 * (inside[-1][2] - inside[0][2]) / (inside[-1][0] - inside[0][0])

    def idle_after(self, t_stop, limit, threshold, window=1.0, step=0.1):
        """Seconds after t_stop until CPU over a `window` stays at or below threshold
        percent; None when that never happened before the last sample."""
        last = self.samples[-1][0] if self.samples else t_stop
        t = t_stop
        while t + window <= min(last, t_stop + limit) + 1e-9:
            if self.cpu_percent(t, t + window) <= threshold:
                return t - t_stop
            t += step
        return None
