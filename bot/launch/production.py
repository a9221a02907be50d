"""The production shape on one machine: ``make run-prod``.

    browser ──► nginx :8080 (chat page) / :5005 (REST, socket.io; size and rate limits)
                  └─► Rasa ×2 (127.0.0.1) ── tracker store: PostgreSQL, lock store: Redis
                        └─► nginx :5055 (127.0.0.1) ─► action server ×2 (127.0.0.1)
                                                          ├─ tickets: PostgreSQL
                                                          └─ knowledge index: published through PostgreSQL,
                                                             a copy of its own in var/prod/actions-N/index

The same ``bot/endpoints.yml`` and ``bot/credentials.yml`` as the pilot; only environment variables
differ (:meth:`Production.rasa_env`, :meth:`Production.actions_env`). PostgreSQL, Redis and nginx come
from Debian and run from ``var/prod/`` on localhost. Standard library only, like :mod:`bot.launch.pilot`;
the processes are started, watched and stopped by :class:`bot.launch.supervisor.Supervisor`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.launch import infra
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
from bot.launch.webserver import content_security_policy
from bot.settings import inherited_environment

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"


@dataclass
class Production:
    """Every process of the production shape, on the given ports."""

    public_port: int = 5005
    web_port: int = 8080
    actions_lb_port: int = 5055
    rasa_ports: Tuple[int, ...] = (5006, 5007)
    actions_ports: Tuple[int, ...] = (5056, 5057)
    postgres_port: int = 5433
    redis_port: int = 6380
    work_dir: Path = ROOT / "var" / "prod"
    model: Path = DEFAULT_MODEL
    web_dir: Path = DEFAULT_WEB_DIR
    extra_env: Dict[str, str] = field(default_factory=dict)
    lock_lifetime: int = 20
    request_rate: str = "20r/s"  # per visitor address, at nginx
    startup_timeout: float = 300.0

    def __post_init__(self) -> None:
        self.postgres = infra.PostgresServer(self.work_dir / "postgres", self.postgres_port)
        self.redis = infra.redis_server(self.work_dir / "redis", self.redis_port)
        self.nginx: Optional[infra.ProcessServer] = None
        self.log_dir = self.work_dir / "logs"
        self.supervisor = Supervisor(self.log_dir, self.startup_timeout)

    @property
    def processes(self) -> Dict[str, subprocess.Popen]:
        return self.supervisor.processes

    # --- addresses ---------------------------------------------------------------------------------
    @property
    def public_url(self) -> str:
        return f"http://localhost:{self.public_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}/"

    @property
    def tracker_url(self) -> str:
        return self.postgres.url("rasa")

    @property
    def tickets_url(self) -> str:
        return self.postgres.url("tickets")

    @property
    def knowledge_url(self) -> str:
        """Where index builds are published: each action server follows them, as it would on its own host."""
        return self.postgres.url("knowledge")

    def names(self) -> List[str]:
        return [f"actions-{i + 1}" for i in range(len(self.actions_ports))] + [
            f"rasa-{i + 1}" for i in range(len(self.rasa_ports))
        ]

    # --- environment: the only difference from the pilot --------------------------------------------
    def _base_env(self) -> Dict[str, str]:
        env = inherited_environment()
        env.update(offline_environment())
        env.update(
            {
                "TICKETS_DATABASE_URL": self.tickets_url,
                "SANIC_HOST": "127.0.0.1",
                "ASSISTANT_LOG_LEVEL": "INFO",
                # Rasa's wait for an action; the action server checks its ticket retry (10 s) against it
                "ACTION_TIMEOUT_SECONDS": "15",
            }
        )
        env.update(self.extra_env)
        return env

    def rasa_env(self) -> Dict[str, str]:
        env = self._base_env()
        env.update(
            {
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_lb_port}/webhook",
                "RASA_TRACKER_DIALECT": "postgresql",
                "RASA_TRACKER_URL": self.tracker_url,
                "RASA_TRACKER_DB": "rasa",
                "RASA_LOCK_STORE": "redis",
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": str(self.redis_port),
                "REDIS_DB": "1",
                "TICKET_LOCK_LIFETIME": str(self.lock_lifetime),  # a dead instance's locks expire this fast
                "SQL_POOL_SIZE": "10",
                "SQL_MAX_OVERFLOW": "10",
                "RASA_CORS": env.get("RASA_CORS") or page_origins(self.web_port),
            }
        )
        env.update(self.extra_env)
        return env

    def actions_env(self, name: Optional[str] = None) -> Dict[str, str]:
        """The environment of action server ``name``: its own index directory, filled from the published
        builds. Without a name: the staff's (documents and builds in ``KNOWLEDGE_INDEX_DIR``, published)."""
        env = self._base_env()
        env["KNOWLEDGE_DATABASE_URL"] = self.knowledge_url
        if name:
            env["KNOWLEDGE_INDEX_DIR"] = str(self.work_dir / name / "index")
        return env

    # --- processes ---------------------------------------------------------------------------------
    def check(self) -> None:
        check_built(self.model, self.web_dir)
        ports = [self.public_port, self.web_port, self.actions_lb_port, self.postgres_port, self.redis_port]
        for port in ports + list(self.rasa_ports) + list(self.actions_ports):
            if not port_is_free(port):
                raise StartError(f"port {port} is busy (is the assistant already running?)")

    def _spawn(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        self.supervisor.spawn(name, command, env)

    def health_url(self, name: str) -> str:
        kind, number = name.rsplit("-", 1)
        ports = self.actions_ports if kind == "actions" else self.rasa_ports
        port = ports[int(number) - 1]
        if kind == "actions":
            return f"http://127.0.0.1:{port}/health"
        return f"http://127.0.0.1:{port}/webhooks/rest/"  # healthy once warm (bot/channels/warm_up.py)

    def start_one(self, name: str, wait: bool = True) -> None:
        kind, number = name.rsplit("-", 1)
        index = int(number) - 1
        if kind == "actions":
            self._spawn(name, actions_command(self.actions_ports[index]), self.actions_env(name))
        else:
            env = self.rasa_env()
            command = rasa_command(self.model, self.rasa_ports[index], env["RASA_CORS"], env, "127.0.0.1")
            self._spawn(name, command, env)
        if wait:
            self.wait_healthy([name])

    def wait_healthy(self, names: List[str]) -> None:
        self.supervisor.wait_healthy({name: self.health_url(name) for name in names})

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Stop one server abruptly (fault tests) or gracefully (``signal.SIGTERM``)."""
        self.supervisor.stop(name, sig)

    def write_nginx_config(self) -> Path:
        temp = self.work_dir / "nginx"
        temp.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # nginx's workers run as nobody: they need their temporary directory
            import shutil

            shutil.chown(temp, "nobody")
        values = {
            "work": str(self.work_dir),
            "temp": str(temp),
            "web_dir": str(self.web_dir),
            "public_port": str(self.public_port),
            "web_port": str(self.web_port),
            "actions_lb_port": str(self.actions_lb_port),
            "rate": self.request_rate,
            "csp": content_security_policy(f"http://$host:{self.public_port}"),
            "rasa_servers": "".join(f"        server 127.0.0.1:{p} max_fails=0;\n" for p in self.rasa_ports),
            "actions_servers": "".join(
                f"        server 127.0.0.1:{p} max_fails=0;\n" for p in self.actions_ports
            ),
        }
        text = NGINX_TEMPLATE.read_text()
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        path = self.work_dir / "nginx.conf"
        path.write_text(text)
        return path

    def start(self) -> None:
        self.check()
        try:
            self.postgres.start()
            self.postgres.create_database("rasa")
            self.postgres.create_database("tickets")
            self.postgres.create_database("knowledge")
            for command, timeout in (
                (["tickets", "migrate"], 120),  # the ticket tables, before two action servers start
                (["knowledge", "rebuild"], 900),  # publishes the staff's index (embeds only what changed)
            ):
                subprocess.run(
                    [str(ACTIONS_VENV / "bin" / "python"), "-m", *command],
                    cwd=ROOT,
                    env=self.actions_env(),
                    check=True,
                    capture_output=True,
                    timeout=timeout,
                )
            self.redis.start()
            self.nginx = infra.nginx_server(
                self.write_nginx_config(), self.public_port, self.log_dir / "nginx.log"
            )
            self.nginx.start()
            for name in self.names():
                if name.startswith("actions"):
                    self.start_one(name, wait=False)
            # Rasa instances one after the other: each creates its tables on first start.
            for name in self.names():
                if name.startswith("rasa"):
                    self.start_one(name, wait=True)
            self.wait_healthy(self.names())
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for name in reversed(self.names()):
            self.kill(name, signal.SIGTERM)
        if self.nginx:
            self.nginx.stop()
        self.redis.stop()
        self.postgres.stop()

    def __enter__(self) -> Production:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    production = Production()
    print("==> starting PostgreSQL, Redis, nginx, 2 action servers and 2 Rasa servers (about a minute)...")
    started = time.monotonic()
    try:
        production.start()
    except subprocess.CalledProcessError as error:
        print(
            f"error: {' '.join(map(str, error.cmd))} failed:\n{(error.stderr or b'').decode()}",
            file=sys.stderr,
        )
        return 1
    except (StartError, infra.InfraError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"==> production shape ready ({time.monotonic() - started:.0f} s)\n"
        f"    chat page:  {production.web_url}\n"
        f"    REST:       POST {production.public_url}/webhooks/rest/webhook (through nginx)\n"
        f"    PostgreSQL: {production.tracker_url} (conversations), {production.tickets_url} (tickets),\n"
        f"                {production.knowledge_url} (published knowledge builds)\n"
        f"    Redis:      127.0.0.1:{production.redis_port} (conversation locks)\n"
        f"    logs:       {production.log_dir}/\n"
        "    Ctrl-C stops everything.",
        flush=True,
    )
    exit_code = production.supervisor.run_until_stopped()
    print("\n==> stopping...", flush=True)
    production.stop()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
