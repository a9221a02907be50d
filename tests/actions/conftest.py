"""Shared fixtures of the action tests: the knowledge and ticket fixtures, Rasa-like trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from tests.knowledge.conftest import corpus, embedder, model_dir  # noqa: F401
from tests.tickets.conftest import ticket_store  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


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
