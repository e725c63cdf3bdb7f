"""A real nats-server (Debian's /usr/sbin/nats-server) on a free loopback port, for the
cluster tests: started, stopped (and started again on the same port) by the test."""
import pathlib
import signal
import subprocess

from stratus_harness import free_port, port_open, wait_until

NATS_BIN = "/usr/sbin/nats-server"


class NatsServer:
    def __init__(self, workdir, port=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout=10):
        log = open(self.workdir / "nats.log", "ab")
        self.proc = subprocess.Popen([NATS_BIN, "-a", "127.0.0.1", "-p", str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        if not wait_until(lambda: port_open(self.port), timeout):
            self.kill()
            raise TimeoutError(f"nats-server did not listen on {self.port} in {timeout}s")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None
