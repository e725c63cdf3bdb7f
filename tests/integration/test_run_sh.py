"""run.sh end to end: foreground, -D, -k, SIGHUP, config errors, $ENV and include.

run.sh is driven with STRATUS_BIN set to the binary under test (so it skips the package check
and the build); test_run_sh_builds_and_starts covers the build path when a release tree exists.
"""

import os
import pathlib
import re
import signal
import subprocess

import pytest

from stratus_harness import free_port, wait_until, write_config

ROOT = pathlib.Path(os.environ.get("STRATUS_ROOT", pathlib.Path(__file__).resolve().parents[2]))
RUN_SH = str(ROOT / "run.sh")


@pytest.fixture
def env(stratus_bin):
    return dict(os.environ, STRATUS_BIN=stratus_bin)


@pytest.fixture
def daemon_config(tmp_path):
    """A config with unique pid and log paths; any daemon left running is killed at teardown."""
    keys = {"ws_host": "127.0.0.1", "ws_port": free_port(),
            "daemon": str(tmp_path / "run" / "stratus.pid"),
            "logger": str(tmp_path / "run" / "stratus.log"),
            "sqlite_path": str(tmp_path / "run" / "stratus.db")}
    path = write_config(tmp_path / "daemon.config", keys)
    yield path, keys
    pid_path = pathlib.Path(keys["daemon"])
    if pid_path.exists():
        try:
            os.kill(int(pid_path.read_text()), signal.SIGKILL)
        except (ValueError, ProcessLookupError):
            pass


def run_sh(*args, env, timeout=120):
    return subprocess.run([RUN_SH, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    stat = pathlib.Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[1][0] != "Z"


def read(path):
    path = pathlib.Path(path)
    return path.read_text(errors="replace") if path.exists() else ""


def start_foreground(config_path, env, tmp_path):
    output = tmp_path / "foreground.out"
    with open(output, "wb") as out:
        proc = subprocess.Popen([RUN_SH, "-c", str(config_path)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    return proc, output


def test_foreground_start_and_ctrl_c_exit_zero(tmp_path, env):
    config = write_config(tmp_path / "fg.config", {"ws_port": free_port(), "thread": 2})
    proc, output = start_foreground(config, env, tmp_path)
    try:
        assert wait_until(lambda: "stratus started" in read(output), 20), read(output)
        # run.sh exec'd the binary, so Ctrl-C (SIGINT to the process group) reaches it.
        assert pathlib.Path(f"/proc/{proc.pid}/comm").read_text().strip() == "stratus"
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    text = read(output)
    assert "SIGINT: stopping gracefully" in text
    assert "stratus stopped" in text


def test_sigterm_in_foreground_exits_zero(tmp_path, env):
    config = write_config(tmp_path / "fg.config", {"ws_port": free_port()})
    proc, output = start_foreground(config, env, tmp_path)
    assert wait_until(lambda: "stratus started" in read(output), 20), read(output)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert "SIGTERM: stopping gracefully" in read(output)


def test_daemon_writes_pid_and_log_refuses_a_second_and_stops_with_k(daemon_config, env):
    config, keys = daemon_config
    pid_path, log_path = pathlib.Path(keys["daemon"]), pathlib.Path(keys["logger"])

    started = run_sh("-D", "-c", str(config), env=env)
    assert started.returncode == 0, started.stderr
    pid = int(pid_path.read_text())
    assert f"pid {pid}" in started.stdout and str(log_path) in started.stdout
    assert alive(pid)
    assert "stratus started" in read(log_path)

    second = run_sh("-D", "-c", str(config), env=env)
    assert second.returncode != 0
    assert f"stratus is already running (pid {pid}, pid file {pid_path})" in second.stderr
    assert int(pid_path.read_text()) == pid and alive(pid)

    stopped = run_sh("-k", "-c", str(config), env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert not alive(pid)  # -k returns only after the process is gone
    assert not pid_path.exists()
    assert "stratus stopped" in read(log_path)

    again = run_sh("-k", "-c", str(config), env=env)
    assert again.returncode != 0
    assert "stratus is not running" in again.stderr


def test_k_without_a_daemon_fails_with_a_message(daemon_config, env):
    config, _ = daemon_config
    result = run_sh("-k", "-c", str(config), env=env)
    assert result.returncode != 0
    assert "stratus is not running (no pid file" in result.stderr


def test_sighup_after_moving_the_log_makes_a_new_file(daemon_config, env):
    config, keys = daemon_config
    log_path = pathlib.Path(keys["logger"])
    assert run_sh("-D", "-c", str(config), env=env).returncode == 0
    pid = int(pathlib.Path(keys["daemon"]).read_text())
    rotated = log_path.with_name("stratus.log.1")
    log_path.rename(rotated)  # what logrotate does
    os.kill(pid, signal.SIGHUP)
    assert wait_until(lambda: "log file reopened" in read(log_path), 10)
    assert "stratus started" in read(rotated)
    assert "stratus started" not in read(log_path)
    assert run_sh("-k", "-c", str(config), env=env).returncode == 0
    assert "stratus stopped" in read(log_path)


@pytest.mark.parametrize("mode", [[], ["-D"]])
def test_config_error_names_key_and_file(tmp_path, env, mode):
    config = tmp_path / "bad.config"
    config.write_text('thread = "x"\n')
    result = run_sh(*mode, "-c", str(config), env=env)
    assert result.returncode != 0
    assert f"config error in {config}: key 'thread' must be an integer (got string \"x\")" \
        in result.stderr


def test_daemon_start_failure_is_reported(tmp_path, env):
    config = write_config(tmp_path / "c.config", {"daemon": str(tmp_path / "p.pid"),
                                                  "logger": "/proc/no/such/dir/x.log"})
    result = run_sh("-D", "-c", str(config), env=env)
    assert result.returncode == 1
    assert "/proc/no/such/dir" in result.stderr


def test_env_substitution_and_include_work_end_to_end(tmp_path, env):
    log_dir = tmp_path / "logs"
    config = tmp_path / "etc" / "main.config"
    write_config(config, {"ws_port": free_port()},
                 raw='thread = $STRATUS_IT_THREADS\ninclude "parts/log.lua"\n')
    (tmp_path / "etc" / "parts").mkdir()
    (tmp_path / "etc" / "parts" / "log.lua").write_text(
        'logger = "$STRATUS_IT_LOGDIR/from_env.log"\n')
    env = dict(env, STRATUS_IT_THREADS="3", STRATUS_IT_LOGDIR=str(log_dir))
    proc, output = start_foreground(config, env, tmp_path)
    log_file = log_dir / "from_env.log"
    try:
        assert wait_until(lambda: "stratus started" in read(log_file), 20), read(output)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
    assert "3 threads" in read(log_file)

    unset = dict(env)
    del unset["STRATUS_IT_LOGDIR"]
    result = run_sh("-c", str(config), env=unset)
    assert result.returncode != 0
    assert "environment variable 'STRATUS_IT_LOGDIR' is not set" in result.stderr


def test_secrets_are_never_logged(tmp_path, env):
    config = write_config(tmp_path / "s.config", {"ws_port": free_port(), "log_level": "debug",
                                                  "mysql_password": "hunter2-secret"})
    proc, output = start_foreground(config, env, tmp_path)
    assert wait_until(lambda: "stratus started" in read(output), 20), read(output)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(20) == 0
    assert "mysql_password = ***" in read(output)
    assert "hunter2" not in read(output)
    refused = subprocess.run([env["STRATUS_BIN"], "--print-key", "mysql_password", "-c",
                              str(config)], capture_output=True, text=True)
    assert refused.returncode != 0 and "hunter2" not in refused.stdout + refused.stderr


def test_root_config_documents_every_key_with_its_default(stratus_bin):
    listed = subprocess.run([stratus_bin, "--list-keys"], capture_output=True, text=True,
                            check=True).stdout
    # Keys come grouped by layer, each group after a "-- layer" line.
    defaults = dict(re.match(r"(\w+) = (.*?)\t", line).groups() for line in listed.splitlines()
                    if not line.startswith("-- "))
    documented = {}
    for line in (ROOT / "config").read_text().splitlines():
        m = re.match(r"^(?:--\s*)?([a-z_]+)\s*=\s*(.+?)\s*(?:--.*)?$", line)
        if m and m.group(1) in defaults:
            documented[m.group(1)] = m.group(2)
    assert sorted(documented) == sorted(defaults), "keys missing from ./config"
    # The shipped config turns the admin endpoint and the console on (loopback); both are off by
    # default.
    shipped_on = {"admin_port", "console_port"}
    for key, value in defaults.items():
        if key in shipped_on:
            assert value == "0" and int(documented[key]) > 0, key
            continue
        assert documented[key] == value, f"./config documents {key} = {documented[key]}"
    check = subprocess.run([stratus_bin, "--print-key", "thread", "-c", str(ROOT / "config")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.skipif(not (ROOT / "build" / "release" / "build.ninja").exists(),
                    reason="no configured release tree (./run.sh configures one)")
def test_run_sh_builds_and_starts(tmp_path):
    config = write_config(tmp_path / "b.config", {"ws_port": free_port()})
    env = {k: v for k, v in os.environ.items() if k != "STRATUS_BIN"}
    proc, output = start_foreground(config, env, tmp_path)
    try:
        assert wait_until(lambda: "stratus started" in read(output), 500), read(output)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
