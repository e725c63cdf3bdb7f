"""A real mariadbd for tests: temp data dir, loopback port, a password-protected user."""

import itertools
import pathlib
import subprocess

from stratus_harness import free_port, wait_until

_database_numbers = itertools.count(1)


class MariadbServer:
    """mariadbd on 127.0.0.1:port; root logs in over the unix socket, `stratus` over TCP."""

    user = "stratus"
    password = "stratus-test-pw"

    def __init__(self, workdir, port=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.datadir = self.workdir / "data"
        self.socket = self.workdir / "mariadb.sock"
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.proc = None
        self._installed = False

    def start(self, timeout=60):
        """Installs the data dir once, starts (or restarts) the server, waits for it."""
        self.kill()
        if not self._installed:
            with open(self.workdir / "install.log", "wb") as log:
                subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}",
                                "--auth-root-authentication-method=normal", "--skip-test-db",
                                "--user=root"], stdout=log, stderr=subprocess.STDOUT, check=True)
        args = ["mariadbd", "--no-defaults", "--user=root", f"--datadir={self.datadir}",
                f"--socket={self.socket}", f"--pid-file={self.workdir / 'mariadbd.pid'}",
                f"--port={self.port}", "--bind-address=127.0.0.1", "--skip-name-resolve",
                "--skip-log-bin", "--innodb-buffer-pool-size=16M",
                "--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=2",
                f"--log-error={self.workdir / 'error.log'}"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def ready():
            if self.proc.poll() is not None:
                return True
            return self._root_sql("SELECT 1", check=False).returncode == 0
        if not wait_until(ready, timeout, interval=0.1) or self.proc.poll() is not None:
            raise RuntimeError("mariadbd did not start; see " + str(self.workdir / "error.log"))
        if not self._installed:
            self._root_sql(
                f"CREATE USER '{self.user}'@'%' IDENTIFIED BY '{self.password}';"
                f"GRANT ALL PRIVILEGES ON *.* TO '{self.user}'@'%'; FLUSH PRIVILEGES;")
            self._installed = True
        return self

    def kill(self):
        """Stops the server at once (SIGKILL): what a crash looks like to clients."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def create_database(self, name=None):
        """Creates an empty schema (a unique name by default) and returns its name."""
        name = name or f"stratus_test_{next(_database_numbers)}"
        self._root_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        return name

    def query(self, sql, database=None):
        """Runs SQL as the `stratus` user over TCP; returns the rows as lists of strings."""
        args = ["mariadb", "--no-defaults", "-h", self.host, "-P", str(self.port), "-u",
                self.user, f"-p{self.password}", "-N", "-B", "-e", sql]
        if database:
            args.append(database)
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        return [line.split("\t") for line in out.splitlines()]

    def config_keys(self, database):
        """The stratus config keys that point the database service at this server."""
        return {"db": "mysql", "mysql_host": self.host, "mysql_port": self.port,
                "mysql_user": self.user, "mysql_password": self.password,
                "mysql_database": database}

    def _root_sql(self, sql, check=True):
        return subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot",
                               "-e", sql], capture_output=True, text=True, check=check)
