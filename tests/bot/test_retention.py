"""The retention job on a tracker database written by Rasa's own SQL tracker store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.retention import main, purge

DAY = 86400.0


def _conversation(store: SQLTrackerStore, sender: str, last_seen: float) -> None:
    tracker = DialogueStateTracker(sender, slots=[])
    for offset in (3, 2, 1):  # a few turns, the last one at last_seen
        tracker.update(UserUttered("我的电话是 13812345678", timestamp=last_seen - offset))
        tracker.update(ActionExecuted("action_listen", timestamp=last_seen - offset + 0.5))
    asyncio.run(store.save(tracker))


def _senders(store: SQLTrackerStore) -> set:
    return set(asyncio.run(store.keys()))


def test_only_conversations_idle_past_the_limit_are_deleted_whole(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    now = time.time()
    _conversation(store, "old", now - 200 * DAY)
    _conversation(store, "recent", now - 2 * DAY)
    _conversation(store, "yesterday", now - 1 * DAY)
    url = f"sqlite:///{path}"

    assert purge(url, days=180, dry_run=True, now=now) == 1
    assert _senders(store) == {"old", "recent", "yesterday"}  # a dry run deletes nothing
    assert purge(url, days=180, now=now) == 1
    assert _senders(store) == {"recent", "yesterday"}
    assert purge(url, days=180, now=now) == 0


def test_the_command_reports_and_refuses_nonsense(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    assert main(["--url", url, "--days", "30"]) == 0
    assert "deleted 0 conversations" in capsys.readouterr().out
    assert main(["--url", url, "--days", "0"]) == 1
