"""Start the action server, the Rasa server and the chat page; wait until all answer; stop them on Ctrl-C.

Used by ``make run`` (``python3 -m bot.launch.pilot``) and by the live tests (:class:`Servers`). Standard
library only: it runs before, and outside, the two virtual environments it starts processes from. The
processes are started, watched and stopped by :class:`bot.launch.supervisor.Supervisor`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.launch.commands import (
    ACTIONS_VENV,
    DEFAULT_MODEL,
    DEFAULT_WEB_DIR,
    actions_command,
    check_built,
    offline_environment,
    page_origins,
    rasa_command,
)
from bot.launch.supervisor import ROOT, StartError, Supervisor, port_is_free
from bot.settings import SettingError, get_settings, inherited_environment


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
    supervisor: Supervisor = field(init=False)

    def __post_init__(self) -> None:
        self.supervisor = Supervisor(self.log_dir, self.startup_timeout)

    @property
    def processes(self) -> Dict[str, subprocess.Popen]:
        return self.supervisor.processes

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
        check_built(self.model, self.web_dir if self.web_port else None)
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
        self.supervisor.spawn(name, command, self._env())

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
            "bot.launch.webserver",
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
        urls = self.health_urls()
        self.supervisor.wait_healthy({n: u for n, u in urls.items() if names is None or n in names})

    def log_tail(self, name: str, lines: int = 15) -> str:
        return self.supervisor.log_tail(name, lines)

    def stop(self, grace: float = 15.0) -> None:
        """Stop the page and Rasa first (Rasa may still call actions), then the action server."""
        self.supervisor.stop_in_order(("staff", "web", "rasa", "actions"), grace)

    def stop_one(self, name: str, grace: float = 15.0) -> None:
        self.supervisor.stop(name, grace=grace)

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
    exit_code = servers.supervisor.run_until_stopped()
    print("\n==> stopping...", flush=True)
    servers.stop()
    print("==> stopped", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
