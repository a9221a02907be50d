"""Rasa's SQL tracker store with less work per message, for SQLite (pilot) and PostgreSQL (production).

Rasa 3.6's ``SQLTrackerStore`` loads a conversation as ORM objects, and before saving it counts the stored
events of the conversation again to know which are new, then adds the new ones one ORM object at a time. At 8
concurrent conversations that was about a third of Rasa's CPU time (README, "Performance"). This store keeps
Rasa's tables, rows and queries, and:

- loads only the events' ``data`` column, without building ORM objects;
- remembers, on the tracker it loaded, how many of its events are stored, so saving that tracker needs no
  count query (the lock store lets one process at a time handle a conversation, load to save, so nobody else
  stores events in between); a tracker it did not load (a new conversation, the full history) is counted as
  Rasa counts;
- inserts the new events in one statement.

Configured in ``bot/endpoints.yml`` (``type: bot.tracker_store.LeanSQLTrackerStore``).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# The attribute a loaded tracker carries: how many of its events (from its latest session) are stored.
STORED = "_lean_sql_stored_events"


class LeanSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with a column-only load, no count query before a save, and one insert per save."""

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            rows = query.with_entities(self.SQLEvent.data).all()
        events = [json.loads(data) for (data,) in rows]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED, len(events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in self._new(session, tracker)]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
                session.commit()
        setattr(tracker, STORED, len(tracker.events))

    def _new(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The tracker's events not stored yet."""
        stored = getattr(tracker, STORED, None)
        if stored is None or stored > len(tracker.events):
            return self._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    @staticmethod
    def _row(sender_id: Text, event: Event) -> Dict[Text, Any]:
        """The row Rasa's store writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),  # an action event's name, as Rasa stores it
            "data": json.dumps(data),
        }
