"""The actions' side of the answer log (:mod:`feedback`): record each knowledge reply, and a user's rating.

Recording never stands between a user and their answer: a database that is down costs a line in the log
and a rating that cannot be matched later, nothing more.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Dict, Optional, Sequence

from actions.settings import get_settings
from feedback.store import AnswerLog, shared_log

logger = logging.getLogger(__name__)


def answer_log() -> AnswerLog:
    return shared_log(get_settings().feedback_database_url)


async def record_reply(
    conversation_id: str,
    language: str,
    question: str,
    outcome: str,
    probability: Optional[float] = None,
    citations: Sequence[Dict] = (),
) -> Optional[str]:
    """Log a knowledge reply; its ``answer_id``, or None when the log could not be written."""
    try:
        return await asyncio.to_thread(
            lambda: answer_log().record(conversation_id, language, question, outcome, probability, citations)
        )
    except Exception:  # the user still gets their answer
        logger.exception("the answer log could not record a reply")
        return None
