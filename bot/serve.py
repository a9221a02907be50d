"""Start the action server, the Rasa server and the chat page; wait until all answer; stop them on Ctrl-C.

Used by ``make run`` (``python3 -m bot.serve``) and by the live tests (:class:`Servers`). Standard
library only: it runs before, and outside, the two virtual environments it starts processes from.
"""

from __future__ import annotations

import argparse
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
from typing import Dict, List, Optional

from bot.settings import SettingError, get_settings, inherited_environment

ROOT = Path(__file__).resolve().parent.parent
RASA_VENV = ROOT / ".venv-rasa"
ACTIONS_VENV = ROOT / ".venv-actions"
DEFAULT_MODEL = ROOT / "var" / "rasa" / "models" / "current.tar.gz"
DEFAULT_WEB_DIR = ROOT / "var" / "web"


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


def spawn(command: List[str], log_path: Path, env: Dict[str, str]) -> subprocess.Popen:
    """Start a server in its own process group, its output appended to ``log_path``.

    Its own group: Ctrl-C reaches the launcher only, which stops the children in order, and stopping
    a server stops the worker processes it started too.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
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


def offline_environment() -> Dict[str, str]:
    """Variables that keep every process offline and quiet, whatever the caller's shell has."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(ROOT),
    }


def page_origins(web_port: int) -> str:
    """The origins a browser shows for the locally served chat page."""
    return f"http://localhost:{web_port} http://127.0.0.1:{web_port}"


def actions_command(port: int) -> List[str]:
    return [
        str(ACTIONS_VENV / "bin" / "python"),
        "-m",
        "actions.server",  # rasa-sdk's server, warmed up before it reports healthy
        "--actions",
        "actions",
        "--port",
        str(port),
    ]


def rasa_command(
    model: Path, port: int, origins: str, env: Dict[str, str], interface: Optional[str] = None
) -> List[str]:
    command = [
        str(RASA_VENV / "bin" / "rasa"),
        "run",
        "--model",
        str(model),
        "--endpoints",
        "bot/endpoints.yml",
        "--credentials",
        "bot/credentials.yml",
        "--port",
        str(port),
    ]
    if interface:
        command += ["--interface", interface]
    if origins.strip():
        command += ["--cors", *origins.replace(",", " ").split()]
    return command + api_arguments(env)


def api_arguments(env: Dict[str, str]) -> List[str]:
    """Rasa's HTTP API (trackers, model, ...) is off unless RASA_ENABLE_API=true, and then needs a token."""
    if env.get("RASA_ENABLE_API", "").lower() not in ("1", "true", "yes"):
        return []
    token = env.get("RASA_AUTH_TOKEN", "")
    if len(token) < 16:
        raise StartError("RASA_ENABLE_API needs RASA_AUTH_TOKEN (at least 16 characters) to protect the API")
    return ["--enable-api", "--auth-token", token]


@dataclass
class Servers:
    """The server processes of one assistant instance: actions, Rasa and (optionally) the chat page.

    ``cors`` lists the origins (space or comma separated, or ``*``) whose pages may talk to Rasa,
    over REST and socket.io alike; by default only the locally served chat page. ``web_port=None``
    starts no chat page.
    """

    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: Optional[int] = 8080
    staff_port: Optional[int] = 8090
    model: Path = DEFAULT_MODEL
    web_dir: Path = DEFAULT_WEB_DIR
    log_dir: Path = ROOT / "var" / "logs"
    tracker_db: Path = ROOT / "var" / "rasa" / "tracker.db"
    cors: Optional[str] = None
    web_rasa_url: Optional[str] = None
    extra_env: Dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 240.0
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://localhost:{self.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}/"

    @property
    def staff_url(self) -> str:
        return f"http://localhost:{self.staff_port}/"

    @property
    def allowed_origins(self) -> str:
        if self.cors is not None:
            return self.cors
        return page_origins(self.web_port) if self.web_port else ""

    def health_urls(self) -> Dict[str, str]:
        # Rasa's REST channel is healthy once Rasa is warm (bot/channels/warm_up.py)
        urls = {"actions": f"{self.actions_url}/health", "rasa": f"{self.rasa_url}/webhooks/rest/"}
        if self.web_port:
            urls["web"] = f"http://localhost:{self.web_port}/health"
        if self.staff_port:
            urls["staff"] = f"http://localhost:{self.staff_port}/health"
        return urls

    def check(self) -> None:
        """Fail early, in one line, on what would otherwise become a traceback in a log."""
        for venv, setup in ((RASA_VENV, "make venvs"), (ACTIONS_VENV, "make venvs")):
            if not (venv / "bin" / "python").exists():
                raise StartError(f"{venv.name} is missing: run '{setup}' (or 'make run') first")
        if not self.model.exists():
            raise StartError(f"no trained model at {self.model}: run 'make train' (or 'make run') first")
        if self.web_port and not (self.web_dir / "widget.js").exists():
            raise StartError(
                f"the chat page is not built in {self.web_dir}: run 'make web' (or 'make run') first"
            )
        ports = [
            ("Rasa server", self.rasa_port, "RASA_PORT"),
            ("action server", self.actions_port, "ACTIONS_PORT"),
        ]
        if self.web_port:
            ports.append(("chat page", self.web_port, "WEB_PORT"))
        if self.staff_port:
            ports.append(("staff console", self.staff_port, "STAFF_PORT"))
        for name, port, variable in ports:
            if not port_is_free(port):
                raise StartError(
                    f"port {port} for the {name} is busy (is the assistant already running?); "
                    f"stop that process or choose another port with {variable}=..."
                )

    def _env(self) -> Dict[str, str]:
        env = inherited_environment()
        env.update(offline_environment())
        env.update(
            {
                "ACTION_ENDPOINT_URL": f"{self.actions_url}/webhook",
                # bot/endpoints.yml: the pilot's SQLite tracker store and in-memory lock store
                "RASA_TRACKER_DIALECT": "sqlite",
                "RASA_TRACKER_URL": "",
                "RASA_TRACKER_DB": str(self.tracker_db),
                "RASA_LOCK_STORE": "in_memory",
                "REDIS_HOST": "localhost",
                "REDIS_PORT": "6379",
                "REDIS_DB": "1",
                "RASA_CORS": self.allowed_origins,
                "SANIC_HOST": "127.0.0.1",  # the action server answers Rasa on this machine only
            }
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, command: List[str]) -> None:
        self.processes[name] = spawn(command, self.log_dir / f"{name}.log", self._env())

    def start(self) -> None:
        self.check()
        self.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        self.start_actions()
        self.start_rasa(wait=False)
        if self.web_port:
            self.start_web()
        if self.staff_port:
            self.start_staff()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise

    def start_actions(self) -> None:
        self._spawn("actions", actions_command(self.actions_port))

    def start_rasa(self, wait: bool = True) -> None:
        """Start (or, after :meth:`stop_one`, restart) the Rasa server; by default wait until it answers."""
        command = rasa_command(self.model, self.rasa_port, self.allowed_origins, self._env())
        self._spawn("rasa", command)
        if wait:
            self.wait_healthy(["rasa"])

    def start_staff(self) -> None:
        command = [
            str(ACTIONS_VENV / "bin" / "python"),
            "-m",
            "staff",
            "serve",
            "--port",
            str(self.staff_port),
        ]
        self._spawn("staff", command)

    def start_web(self) -> None:
        command = [
            sys.executable,
            "-m",
            "bot.webserver",
            "--port",
            str(self.web_port),
            "--dir",
            str(self.web_dir),
            "--rasa-port",
            str(self.rasa_port),
        ]
        if self.web_rasa_url:
            command += ["--rasa-url", self.web_rasa_url]
        self._spawn("web", command)

    def wait_healthy(self, names: Optional[List[str]] = None) -> None:
        checks = self.health_urls()
        deadline = time.monotonic() + self.startup_timeout
        pending = {name: url for name, url in checks.items() if names is None or name in names}
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

    def stop(self, grace: float = 15.0) -> None:
        """Stop the page and Rasa first (Rasa may still call actions), then the action server."""
        for name in ("staff", "web", "rasa", "actions"):
            self.stop_one(name, grace)

    def stop_one(self, name: str, grace: float = 15.0) -> None:
        stop_process(self.processes.pop(name, None), grace=grace)

    def __enter__(self) -> Servers:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        servers = Servers(
            rasa_port=settings.rasa_port,
            actions_port=settings.actions_port,
            web_port=settings.web_port or None,
            staff_port=settings.staff_port or None,
            model=args.model,
            cors=settings.rasa_cors,
            web_rasa_url=settings.web_rasa_url,
        )
        servers.check()
        print("==> starting the action server, the Rasa server and the chat page (about 20 s)...", flush=True)
        started = time.monotonic()
        servers.start()
    except (StartError, SettingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n==> stopped", file=sys.stderr)
        return 130

    print(
        f"==> the assistant is ready ({time.monotonic() - started:.0f} s)\n"
        + (f"    chat page:  {servers.web_url}   <- open this in a browser\n" if servers.web_port else "")
        + (
            f"    staff:      {servers.staff_url}   (accounts: python -m staff create-user NAME --role ...)\n"
            if servers.staff_port
            else ""
        )
        + f"    REST:       POST {servers.rasa_url}/webhooks/rest/webhook\n"
        f"    socket.io:  {servers.rasa_url}/socket.io\n"
        f"    actions:    {servers.actions_url}/health\n"
        f"    logs:       {servers.log_dir}/\n"
        f"    try:        curl -s {servers.rasa_url}/webhooks/rest/webhook "
        '-d \'{"sender":"u1","message":"你好"}\'\n'
        "    Ctrl-C stops everything.",
        flush=True,
    )
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    exit_code = 0
    while not stop_requested:
        for name, process in servers.processes.items():
            if process.poll() is not None:
                print(
                    f"error: the {name} server stopped unexpectedly (code {process.returncode}):\n"
                    f"{servers.log_tail(name)}",
                    file=sys.stderr,
                )
                stop_requested, exit_code = True, 1
                break
        time.sleep(0.5)
    print("\n==> stopping...", flush=True)
    servers.stop()
    print("==> stopped", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
