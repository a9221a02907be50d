"""Shared fixtures of the action tests: the knowledge fixtures, a ticket database, Rasa-like trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from actions.tickets import store as store_module
from actions.tickets.store import TicketStore
from bot.infra import InfraError, PostgresServer
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
    confidence: float = 0.9,
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A tracker as Rasa sends it to an action: the user's message (with its intent and the metadata the
    channel passed on) and the slots, including those the message set (in the middle of a form)."""
    parsed = {"intent": {"name": intent, "confidence": confidence}}
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parsed, "metadata": metadata or {}},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(
        sender_id="test",
        slots={**slots, **(new_slots or {})},
        latest_message={"text": text, **parsed},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server on a free port, started for the tests and stopped after them.

    Skipped only where PostgreSQL is not installed (``make test`` installs it from Debian).
    """
    import tempfile

    from bot.serve import free_port

    # Not under pytest's own (root-only) temporary directory: the postgres account must reach it.
    try:
        server = PostgresServer(Path(tempfile.mkdtemp(prefix="ip-assistant-pg-")), free_port()).start()
    except InfraError as error:
        pytest.skip(str(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.url()
