"""Local PostgreSQL, Redis and nginx servers for production mode on one machine, and for tests.

Standard library only (like the launchers). Each server runs from a private directory on a port of
our choosing, on 127.0.0.1 only, and is stopped by whoever started it. PostgreSQL, Redis and nginx
come from Debian (``scripts/system-deps.sh``); PostgreSQL refuses to run as root, so as root it runs
under the ``postgres`` account.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from bot.launch.supervisor import spawn, stop_process


class InfraError(RuntimeError):
    """A server could not be found or started; the message says what to install or look at."""


def binary(name: str, *patterns: str) -> Optional[str]:
    found = shutil.which(name)
    if found:
        return found
    for pattern in patterns:
        candidates = sorted(glob.glob(pattern))
        if candidates:
            return candidates[-1]
    return None


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise InfraError(f"nothing is listening on port {port} after {timeout:.0f} s")


@dataclass
class PostgresServer:
    """A private PostgreSQL cluster in ``directory`` on ``port`` (trust authentication, localhost only)."""

    directory: Path
    port: int
    _prefix: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.initdb = binary("initdb", "/usr/lib/postgresql/*/bin/initdb")
        self.pg_ctl = binary("pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")
        self.psql = binary("psql", "/usr/lib/postgresql/*/bin/psql")
        if not (self.initdb and self.pg_ctl):
            raise InfraError("PostgreSQL is not installed (Debian: apt-get install postgresql)")

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(self._prefix + list(args), check=True, capture_output=True, timeout=timeout)

    def start(self) -> PostgresServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._prefix = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.directory, "postgres", "postgres")
            os.chmod(self.directory, 0o700)
        if not (self.data / "PG_VERSION").exists():
            self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._ctl("start")
        return self

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "postgres.log")
        self._run(self.pg_ctl, "-D", str(self.data), "-l", log, "-w", "-o", options, *extra, action)

    def restart(self) -> None:
        """A fast restart: open connections are cut, as when a production database server restarts."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._ctl("stop", "-m", "fast")

    def _psql(self, sql: str, *options: str) -> str:
        psql = self.psql or "psql"
        command = [psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *options, "-c", sql]
        return self._run(*command).stdout.decode().strip()

    def create_database(self, name: str) -> str:
        if not name.isidentifier():
            raise InfraError(f"not a database name: {name!r}")
        if not self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'", "-tA"):
            self._psql(f"CREATE DATABASE {name}")
        return self.url(name)


@dataclass
class ProcessServer:
    """A server that runs in the foreground as our child (Redis, nginx), stopped with SIGTERM."""

    name: str
    command: List[str]
    port: int
    log: Path
    process: Optional[subprocess.Popen] = None

    def start(self) -> ProcessServer:
        self.process = spawn(self.command, self.log)
        try:
            wait_for_port(self.port)
        except InfraError:
            self.stop()
            raise InfraError(f"{self.name} did not start; see {self.log}") from None
        return self

    def stop(self) -> None:
        stop_process(self.process)


def redis_server(directory: Path, port: int) -> ProcessServer:
    redis = binary("redis-server")
    if not redis:
        raise InfraError("Redis is not installed (Debian: apt-get install redis-server)")
    directory.mkdir(parents=True, exist_ok=True)
    command = [
        redis, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
        "--save", "", "--appendonly", "no", "--daemonize", "no",
    ]  # fmt: skip
    return ProcessServer("Redis", command, port, directory / "redis.log")


def nginx_server(config: Path, port: int, log: Path) -> ProcessServer:
    nginx = binary("nginx", "/usr/sbin/nginx")
    if not nginx:
        raise InfraError("nginx is not installed (Debian: apt-get install nginx)")
    check = subprocess.run([nginx, "-t", "-q", "-c", str(config)], capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise InfraError(f"nginx refuses {config}: {check.stderr.strip()}")
    return ProcessServer("nginx", [nginx, "-c", str(config), "-g", "daemon off;"], port, log)
