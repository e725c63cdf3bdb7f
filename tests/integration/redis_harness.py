"""A real redis-server for tests, with a minimal RESP client to look inside it."""

import pathlib
import socket
import subprocess

from stratus_harness import free_port, wait_until


class RedisServer:
    """A redis-server on a free loopback port with its own data dir; see call()."""

    def __init__(self, workdir, password=None, port=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.proc = None

    def start(self, timeout=15):
        """Starts (or restarts, on the same port) and waits until PING answers."""
        self.kill()
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.workdir), "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--logfile", str(self.workdir / "redis.log")]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers():
            try:
                return self.call("PING") == "PONG"
            except OSError:
                return False
        if not wait_until(answers, timeout, interval=0.05):
            raise TimeoutError("redis-server did not answer PING; see "
                               + str(self.workdir / "redis.log"))
        return self

    def kill(self):
        """Stops the server at once (SIGKILL): what a crash looks like to clients."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def call(self, *args):
        """Runs one command (AUTH first when a password is set); returns the decoded reply."""
        with socket.create_connection((self.host, self.port), timeout=5) as s:
            reader = s.makefile("rb")
            if self.password:
                s.sendall(_resp_command("AUTH", self.password))
                _resp_read(reader)
            s.sendall(_resp_command(*args))
            return _resp_read(reader)


def _resp_command(*args):
    parts = [str(a).encode() if not isinstance(a, bytes) else a for a in args]
    out = b"*%d\r\n" % len(parts)
    for p in parts:
        out += b"$%d\r\n%s\r\n" % (len(p), p)
    return out


def _resp_read(reader):
    line = reader.readline()
    if not line:
        raise ConnectionError("redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError("redis error: " + rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = reader.read(n + 2)[:-2]
        return data.decode(errors="replace")
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_resp_read(reader) for _ in range(n)]
    raise ConnectionError(f"unexpected redis reply {line!r}")
