"""Shared fixtures of the action tests: the knowledge fixtures, a ticket database, Rasa-like trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from actions.tickets import store as store_module
from actions.tickets.store import TicketStore
from tests.knowledge.conftest import corpus, embedder, model_dir  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def ticket_store(tmp_path: Path, monkeypatch) -> Iterator[TicketStore]:
    """A real SQLite ticket database that the actions use through TICKETS_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    monkeypatch.setenv("TICKETS_DATABASE_URL", url)
    store = store_module.store_from_env()
    yield store
    store_module._stores.pop(url, None)
    store.engine.dispose()


def make_tracker(
    slots: Dict[str, Any],
    text: str = "",
    intent: str = "inform",
    new_slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker as Rasa sends it in the middle of a form: the user's message and the slots it set."""
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(
        sender_id="form-test",
        slots={**slots, **(new_slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def _postgres_bin(name: str) -> Optional[str]:
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL server on a free port, started for the tests and stopped after them.

    Skipped only where PostgreSQL is not installed (.ci/run installs it from Debian).
    """
    import os
    import shutil
    import subprocess

    from bot.serve import free_port

    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
    import tempfile

    # Not under pytest's own (root-only) temporary directory: the postgres account must reach it.
    work = Path(tempfile.mkdtemp(prefix="ip-assistant-pg-"))
    data, port = work / "data", free_port()
    prefix: List[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use its own account
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(work, "postgres", "postgres")
        os.chmod(work, 0o700)
    run = lambda *args: subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=120)  # noqa: E731
    run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    run(
        pg_ctl,
        "-D",
        str(data),
        "-l",
        str(work / "log"),
        "-w",
        "-o",
        f"-p {port} -k {work} -c listen_addresses=127.0.0.1",
        "start",
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            prefix + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True, timeout=60
        )
