"""The one process supervisor: spawn servers, wait until they answer, watch them, stop them in order.

The pilot (:mod:`bot.launch.pilot`), the production shape (:mod:`bot.launch.production`) and the local
database and proxy servers (:mod:`bot.launch.infra`) all start and stop their processes here.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional

ROOT = Path(__file__).resolve().parents[2]


class StartError(RuntimeError):
    """A problem the user can fix; reported as one line, not a traceback."""


def port_is_free(port: int, host: str = "0.0.0.0") -> bool:
    """True when a server could listen on the port now (connections in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port that is free right now (for tests that start their own servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def spawn(command: List[str], log_path: Path, env: Optional[Mapping[str, str]] = None) -> subprocess.Popen:
    """Start a server in its own process group, its output appended to ``log_path``.

    Its own group: Ctrl-C reaches the launcher only, which stops the children in order, and stopping
    a server stops the worker processes it started too.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=None if env is None else dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop_process(process: Optional[subprocess.Popen], sig: int = signal.SIGTERM, grace: float = 15.0) -> None:
    """Stop a process group started by :func:`spawn`; SIGKILL after ``grace`` seconds."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Supervisor:
    """The named server processes of one launcher, their logs (``log_dir/<name>.log``) and health checks."""

    log_dir: Path
    startup_timeout: float = 240.0
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    def spawn(self, name: str, command: List[str], env: Mapping[str, str]) -> None:
        self.processes[name] = spawn(command, self.log_dir / f"{name}.log", env)

    def wait_healthy(self, urls: Mapping[str, str]) -> None:
        """Until every named process answers its URL with 2xx; StartError (with the log's end) when one
        exits or the start-up time runs out."""
        deadline = time.monotonic() + self.startup_timeout
        pending = dict(urls)
        while pending:
            for name in list(pending):
                process = self.processes[name]
                if process.poll() is not None:
                    raise StartError(
                        f"the {name} server exited with code {process.returncode} while starting; "
                        f"see {self.log_dir / (name + '.log')}:\n{self.log_tail(name)}"
                    )
                if http_ok(pending[name]):
                    del pending[name]
            if pending and time.monotonic() > deadline:
                raise StartError(
                    f"{', '.join(pending)} did not become healthy within {self.startup_timeout:.0f} s; "
                    f"see the logs in {self.log_dir}"
                )
            if pending:
                time.sleep(0.5)

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, name: str, sig: int = signal.SIGTERM, grace: float = 15.0) -> None:
        stop_process(self.processes.pop(name, None), sig, grace)

    def stop_in_order(self, names: Iterable[str], grace: float = 15.0) -> None:
        for name in names:
            self.stop(name, grace=grace)

    def exited(self) -> Optional[str]:
        """The name of a process that has stopped by itself, if any."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None

    def run_until_stopped(self, report: bool = True) -> int:
        """Wait for Ctrl-C or SIGTERM (0), or for a server to stop unexpectedly (1, its log's end
        printed); the caller then stops everything."""
        stop_requested = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stop_requested:
            name = self.exited()
            if name is not None:
                if report:
                    code, tail = self.processes[name].returncode, self.log_tail(name)
                    print(
                        f"error: the {name} server stopped unexpectedly (code {code}):\n{tail}",
                        file=sys.stderr,
                    )
                return 1
            time.sleep(0.5)
        return 0
