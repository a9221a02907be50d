"""What the user's chat client can show, read from the metadata it sends with each message.

The website chat page lists an answer's sources itself (from the ``citations`` payload), so it says
``"renders": ["citations"]`` and the answer text then leaves out its own "Source:" line. Clients that
say nothing (REST scripts, other channels) get the line in the text.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    """Metadata of the user's latest message ({} when there is none or it is not an object)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            return metadata if isinstance(metadata, dict) else {}
    return {}


def renders_citations(tracker: Tracker) -> bool:
    renders = latest_metadata(tracker).get("renders")
    return isinstance(renders, list) and "citations" in renders
