"""The Python clients of clients/python against a server started the way a user starts it:
`./run.sh -c FILE`, where FILE includes the repository's `config` and changes only what a
test must (a free port, paths under a temporary folder, cheap password hashing)."""

import os
import pathlib
import signal
import subprocess

import pytest

from stratus_harness import free_port, wait_until

ROOT = pathlib.Path(os.environ.get("STRATUS_ROOT", pathlib.Path(__file__).resolve().parents[2]))
RUN_SH = str(ROOT / "run.sh")
CLIENTS = ROOT / "clients" / "python"
PY = "/usr/bin/python3"


def read(path):
    path = pathlib.Path(path)
    return path.read_text(errors="replace") if path.exists() else ""


class RunSh:
    """`./run.sh -c config` in the foreground; start() again after stop() reuses the port."""

    def __init__(self, tmp_path, env, **overrides):
        self.tmp = tmp_path
        self.env = env
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/"
        lines = [f'include "{ROOT / "config"}"',  # the shipped defaults, then the overrides
                 'ws_host = "127.0.0.1"', f"ws_port = {self.port}",
                 f'daemon = "{tmp_path / "run" / "stratus.pid"}"',
                 f'sqlite_path = "{tmp_path / "run" / "stratus.db"}"',
                 "password_ops = 1", "password_mem_kib = 8"]
        lines += [f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}"
                  for k, v in overrides.items()]
        self.config = tmp_path / "client-test.config"
        self.config.write_text("\n".join(lines) + "\n")
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        self.output = self.tmp / f"run_sh.{self.starts}.out"
        with open(self.output, "wb") as out:
            self.proc = subprocess.Popen([RUN_SH, "-c", str(self.config)], env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        assert wait_until(lambda: "stratus started" in read(self.output), 30), read(self.output)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            assert self.proc.wait(20) == 0, read(self.output)
        self.proc = None


@pytest.fixture
def env(stratus_bin):
    # STRATUS_BIN: run.sh uses the binary under test instead of installing and building.
    return dict(os.environ, STRATUS_BIN=stratus_bin)


@pytest.fixture
def protobuf_server(tmp_path, env):
    server = RunSh(tmp_path, env, protocol_type="protobuf").start()
    yield server
    server.stop()


def client(script, url, *extra, timeout=60):
    return subprocess.run([PY, str(CLIENTS / script), "--url", url, "--account", "pyclient",
                           "--password", "pw", *extra], capture_output=True, text=True,
                          timeout=timeout)


def test_simple_client_logs_in_pings_echoes_and_exits_0(protobuf_server):
    out = client("ws_client_simple.py", protobuf_server.url)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout.lower()
    assert "login" in text and "ping" in text and "echo" in text, out.stdout


def test_debug_client_prints_packets_in_hex_and_exits_0(protobuf_server):
    out = client("ws_client.py", protobuf_server.url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "game.LoginResp" in out.stdout and "game.Notice" in out.stdout, out.stdout
    assert "   hex: " in out.stdout, out.stdout  # every packet, as hex too


def test_longconn_client_counts_pings_and_exits_0(protobuf_server):
    out = client("ws_client_longconn.py", protobuf_server.url, "--count", "3", "--interval", "0.1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ping 3" in out.stdout and "stopped after 3 pings" in out.stdout, out.stdout


def test_longconn_client_reconnects_after_a_restart_and_exits_0_on_ctrl_c(tmp_path, env):
    server = RunSh(tmp_path, env, protocol_type="protobuf").start()
    log = tmp_path / "longconn.out"
    with open(log, "wb") as out:
        proc = subprocess.Popen([PY, str(CLIENTS / "ws_client_longconn.py"), "--url", server.url,
                                 "--account", "roamer", "--password", "pw", "--interval", "0.1",
                                 "--backoff-min", "0.2", "--backoff-max", "0.5"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: "ping 2:" in read(log), 20), read(log)
        server.stop()
        assert wait_until(lambda: "reconnecting in" in read(log), 20), read(log)
        server.start()
        # Logged in a second time, then pinging again.
        assert wait_until(lambda: read(log).count("logged in as roamer") >= 2, 30), read(log)
        pings_after = read(log).count("ping ")
        assert wait_until(lambda: read(log).count("ping ") > pings_after + 1, 20), read(log)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0, read(log)
        assert "stopped after" in read(log)
    finally:
        if proc.poll() is None:
            proc.kill()
        server.stop()


def test_sproto_client_against_the_default_config(tmp_path, env):
    # No protocol_type override: the shipped config speaks sproto, as the seed's did.
    server = RunSh(tmp_path, env, heartbeat_ms=300).start()
    try:
        out = subprocess.run([PY, str(CLIENTS / "ws_client_sproto.py"), "--url", server.url,
                              "--account", "sproto-user", "--debug"], capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "signin sproto-user ok" in out.stdout, out.stdout
        assert "heartbeat" in out.stdout and "push" in out.stdout, out.stdout
    finally:
        server.stop()


def test_readme_client_commands_work_in_the_order_shown(tmp_path, env):
    """README's first client commands, in its order, against one account store: the sproto
    client (default config), then the protobuf one (`-c config.protobuf`)."""
    readme = (ROOT / "README.md").read_text()
    commands = [line.split("#")[0].split()[1:] for line in readme.splitlines()
                if line.startswith("/usr/bin/python3 clients/python/ws_client_s")]
    assert [c[0] for c in commands] == ["clients/python/ws_client_sproto.py",
                                        "clients/python/ws_client_simple.py"]
    for command, protocol in zip(commands, ("sproto", "protobuf")):
        server = RunSh(tmp_path, env, protocol_type=protocol, heartbeat_ms=300).start()
        try:
            args = [a for a in command[1:]]
            if "--url" in args:
                args[args.index("--url") + 1] = server.url
            else:
                args += ["--url", server.url]
            out = subprocess.run([PY, str(ROOT / command[0])] + args, capture_output=True,
                                 text=True, timeout=60)
            assert out.returncode == 0, out.stdout + out.stderr
        finally:
            server.stop()
