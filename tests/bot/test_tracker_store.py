"""The lean SQL tracker store writes and reads what Rasa's own SQL store does, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import os
from pathlib import Path
from typing import Callable, Iterator, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import LeanSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
_numbers = itertools.count()


def _stamped(events: List[Event], clock: Iterator[float]) -> List[Event]:
    """Events with timestamps of their own (the same in every run, so two stores' rows can be compared)."""
    for event in events:
        event.timestamp = next(clock)
    return events


def _turn(text: str, intent: str, reply: str, clock: Iterator[float]) -> List[Event]:
    return _stamped(
        [
            UserUttered(text, intent={"name": intent, "confidence": 0.98}),
            SlotSet("language", "en"),
            ActionExecuted(f"utter_{intent}"),
            BotUttered(reply),
            ActionExecuted("action_listen"),
        ],
        clock,
    )


def _session_start(clock: Iterator[float]) -> List[Event]:
    return _stamped(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")], clock
    )


async def _conversation(store: SQLTrackerStore, sender: str) -> List[List[dict]]:
    """A session of two turns, a new session and one more turn, each saved as Rasa saves after a message;
    returns the events each retrieve gave back."""
    clock = itertools.count(1_700_000_000.0)
    seen = []
    new = DialogueStateTracker(sender, DOMAIN.slots)  # not loaded by the store: its events are counted
    new.update_with_events(_session_start(clock), DOMAIN, override_timestamp=False)
    await store.save(new)
    for text, intent, reply in (("hi", "greet", "Hello!"), ("thanks", "thanks", "You're welcome.")):
        tracker = await store.retrieve(sender)
        seen.append([e.as_dict() for e in tracker.events])
        tracker.update_with_events(_turn(text, intent, reply, clock), DOMAIN, override_timestamp=False)
        await store.save(tracker)
    tracker = await store.retrieve(sender)
    tracker.update_with_events(_session_start(clock), DOMAIN, override_timestamp=False)
    tracker.update_with_events(_turn("bye", "goodbye", "Goodbye!", clock), DOMAIN, override_timestamp=False)
    await store.save(tracker)
    seen.append([e.as_dict() for e in (await store.retrieve(sender)).events])
    seen.append([e.as_dict() for e in (await store.retrieve_full_tracker(sender)).events])
    return seen


def _rows(store: SQLTrackerStore) -> List[Tuple]:
    with store.engine.connect() as connection:
        result = connection.execute(
            sa.text(
                "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
            )
        )
        return [tuple(row) for row in result]


def _sqlite(tmp_path: Path) -> Callable[[type], SQLTrackerStore]:
    def make(kind: type) -> SQLTrackerStore:
        return kind(DOMAIN, dialect="sqlite", db=str(tmp_path / f"{kind.__name__}.db"))

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def make_store(request, tmp_path: Path) -> Callable[[type], SQLTrackerStore]:
    if request.param == "sqlite":
        return _sqlite(tmp_path)
    server = request.getfixturevalue("postgres_server")

    def make(kind: type) -> SQLTrackerStore:
        url = server.create_database(f"tracker_{kind.__name__.lower()}_{os.getpid()}_{next(_numbers)}")
        return kind(DOMAIN, dialect="postgresql", host=url)

    return make


def test_writes_and_reads_what_rasas_sql_store_does(make_store, monkeypatch) -> None:
    rasa_store, lean_store = make_store(SQLTrackerStore), make_store(LeanSQLTrackerStore)
    counted = []
    count = lean_store._additional_events
    monkeypatch.setattr(lean_store, "_additional_events", lambda *a: counted.append(1) or count(*a))
    assert asyncio.run(_conversation(lean_store, "visitor")) == asyncio.run(
        _conversation(rasa_store, "visitor")
    )
    rows = _rows(lean_store)
    assert rows == _rows(rasa_store)
    assert [row[1] for row in rows].count("session_started") == 2
    assert len(rows) == 3 + 2 * 5 + 3 + 5, "an event was lost or stored twice"
    assert len(counted) == 1, "only a tracker it did not load (the new one) is counted"


def test_saving_a_tracker_again_writes_nothing_new(tmp_path: Path) -> None:
    """A second save of the same tracker after a new session (Rasa's store counts the events of the new
    session only there, and stores the older ones again)."""
    store = _sqlite(tmp_path)(LeanSQLTrackerStore)

    async def play() -> None:
        await _conversation(store, "visitor")
        tracker = await store.retrieve("visitor")
        clock = itertools.count(1_800_000_000.0)
        tracker.update_with_events(_session_start(clock), DOMAIN, override_timestamp=False)
        await store.save(tracker)
        await store.save(tracker)

    asyncio.run(play())
    assert len(_rows(store)) == 3 + 2 * 5 + 3 + 5 + 3


def test_the_endpoints_file_configures_it(monkeypatch) -> None:
    """A wrong class path would make Rasa fall back to keeping conversations in memory, with a warning only."""
    monkeypatch.setenv("RASA_TRACKER_DIALECT", "sqlite")
    monkeypatch.setenv("RASA_TRACKER_URL", "")
    monkeypatch.setenv("RASA_TRACKER_DB", ":memory:")
    for name in ("ACTION_ENDPOINT_URL", "RASA_LOCK_STORE", "REDIS_HOST", "REDIS_PORT", "REDIS_DB"):
        monkeypatch.setenv(name, "x")
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "tracker_store")
    assert isinstance(create_tracker_store(config, DOMAIN), LeanSQLTrackerStore)
