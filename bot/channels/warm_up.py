"""Rasa warm before it reports healthy: one message understood and one next action predicted at start-up.

The first message after ``rasa run`` took ~0.35 s more than the others (TensorFlow builds the classifiers'
graphs on their first call), so the first user's first answer came at 4-5 times the median. The REST
channel runs :func:`warm_up` after the server starts and its health route (``GET /webhooks/rest/``)
answers 503 until it has; the launchers wait for that route. Nothing is stored: the prediction is made
on a tracker that lives only here. Then what start-up made is frozen out of the garbage collector's scans.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.action_schema import response_validator

logger = logging.getLogger(__name__)

WARM_UP_TEXTS = ("商标侵权怎么举报？", "How do I report a counterfeit trademark?")


class WarmState:
    """Whether this Rasa process has warmed up (one per process: each Sanic worker warms itself)."""

    warm = False


async def warm_up(agent: Any) -> float:
    """Parse each warm-up text and predict the next action after it; the seconds it took."""
    started = time.monotonic()
    try:
        for text in WARM_UP_TEXTS:
            parsed = await agent.parse_message(text)
            tracker = DialogueStateTracker.from_events(
                "warm-up",
                [
                    ActionExecuted(ACTION_SESSION_START_NAME),
                    SessionStarted(),
                    ActionExecuted(ACTION_LISTEN_NAME),
                    UserUttered(text, parsed.get("intent"), parsed.get("entities"), parsed),
                ],
                slots=agent.domain.slots,
            )
            agent.processor.predict_next_with_tracker(tracker)
        # The first custom action built the validator of the action server's replies (its schema
        # checked first: tens of ms); the first message opened the tracker store's connection. A lookup
        # stores nothing.
        response_validator()
        await agent.tracker_store.retrieve("warm-up")
    except Exception:  # a failed warm-up only costs the first user some time: serve anyway
        logger.exception("Rasa not warmed up")
    WarmState.warm = True
    # What start-up made (the models, TensorFlow's graphs: about 620,000 objects) lives as long as the
    # process; frozen, the collector stops scanning it: a full collection took 280 ms, in the middle of
    # the conversations it held up (measured at 8 concurrent conversations).
    gc.collect()
    gc.freeze()
    seconds = time.monotonic() - started
    logger.info("Rasa warm in %.2f s", seconds)
    return seconds
