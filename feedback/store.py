"""The answer log: what the knowledge action replied, the users' ratings, and the staff review queue.

A reply is recorded when it is sent; a rating names the reply it rates (``answer_id``, sent to the chat page
with the answer) and is accepted only from the same conversation. The review queue is every reply that
needs a look: "not covered", declined as off-topic, answered with low confidence, or rated 👎. Questions
are kept as typed, with phone numbers and e-mail addresses masked as a ticket's are.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import sessionmaker

from feedback.models import OUTCOMES, RATINGS, REASONS, REVIEW_STATES, AnswerRecord
from tickets.database import migrate, open_engine, retrying
from tickets.validators import mask_contact_details

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "feedback_alembic_version"
# Answered, but with a calibrated probability below this: staff should check it (the answer threshold is
# about 0.6; answers above 0.75 were right 9 times in 10 on the tuning part).
LOW_CONFIDENCE = 0.75
MAX_COMMENT = 500
MAX_QUESTION = 2000


class FeedbackError(ValueError):
    """A record or rating the log refuses (unknown value, unknown answer)."""


@dataclass(frozen=True)
class QueueItem:
    """One reply in the review queue, and why it is there."""

    answer_id: str
    question: str
    language: str
    outcome: str
    probability: Optional[float]
    citations: List[Dict]
    created_at: dt.datetime
    rating: Optional[str]
    reason: Optional[str]
    comment: Optional[str]
    review: str

    @property
    def why(self) -> str:
        """disliked (👎), not_covered, declined (taken for off-topic) or low_confidence: strongest first."""
        if self.rating == "down":
            return "disliked"
        return self.outcome if self.outcome in ("not_covered", "declined") else "low_confidence"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AnswerLog:
    """Reads and writes the answer log in the database at ``url`` (SQLite or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        retrying(lambda: migrate(self.engine, MIGRATIONS, VERSION_TABLE), 10.0)

    def record(
        self,
        conversation_id: str,
        language: str,
        question: str,
        outcome: str,
        probability: Optional[float] = None,
        citations: Sequence[Dict] = (),
    ) -> str:
        """Log one reply; returns its ``answer_id`` (what a rating names)."""
        if outcome not in OUTCOMES:
            raise FeedbackError(f"unknown outcome {outcome!r}")
        answer_id = uuid.uuid4().hex
        kept = [{k: c.get(k) for k in ("doc_id", "title", "section", "lang", "source")} for c in citations]
        with self.sessions.begin() as session:
            session.add(
                AnswerRecord(
                    answer_id=answer_id,
                    conversation_id=conversation_id[:200],
                    created_at=now(),
                    language=language if language in ("zh", "en") else "zh",
                    question=mask_contact_details(question)[:MAX_QUESTION],
                    outcome=outcome,
                    probability=probability,
                    citations=json.dumps(kept, ensure_ascii=False),
                    review="open",
                )
            )
        return answer_id

    def rate(
        self,
        answer_id: str,
        conversation_id: str,
        rating: str,
        reason: Optional[str] = None,
        comment: Optional[str] = None,
    ) -> bool:
        """Record a user's 👍/👎 on one of their conversation's replies (the latest rating counts); False
        when there is no such reply in that conversation."""
        if rating not in RATINGS:
            raise FeedbackError(f"unknown rating {rating!r}")
        if reason is not None and reason not in REASONS:
            raise FeedbackError(f"unknown reason {reason!r}")
        comment = mask_contact_details(comment.strip())[:MAX_COMMENT] if comment and comment.strip() else None
        with self.sessions.begin() as session:
            result = session.execute(
                update(AnswerRecord)
                .where(AnswerRecord.answer_id == answer_id, AnswerRecord.conversation_id == conversation_id)
                .values(
                    rating=rating,
                    reason=reason if rating == "down" else None,
                    comment=comment,
                    rated_at=now(),
                )
            )
        return result.rowcount == 1

    def queue(
        self, review: str = "open", language: Optional[str] = None, limit: int = 1000
    ) -> List[QueueItem]:
        """Replies that need a look (not covered, declined as off-topic, low confidence, 👎), newest first."""
        if review not in REVIEW_STATES:
            raise FeedbackError(f"unknown review state {review!r}")
        query = (
            select(AnswerRecord)
            .where(
                AnswerRecord.review == review,
                or_(
                    AnswerRecord.outcome.in_(("not_covered", "declined")),
                    (AnswerRecord.outcome == "answered") & (AnswerRecord.probability < LOW_CONFIDENCE),
                    AnswerRecord.rating == "down",
                ),
            )
            .order_by(AnswerRecord.created_at.desc(), AnswerRecord.id.desc())
            .limit(limit)
        )
        if language:
            query = query.where(AnswerRecord.language == language)
        with self.sessions() as session:
            return [_item(record) for record in session.scalars(query)]

    def latest_answer(self, conversation_id: str) -> Optional[str]:
        """The ``answer_id`` of the conversation's last answered reply (what "that was wrong" rates)."""
        query = (
            select(AnswerRecord.answer_id)
            .where(AnswerRecord.conversation_id == conversation_id, AnswerRecord.outcome == "answered")
            .order_by(AnswerRecord.created_at.desc(), AnswerRecord.id.desc())
            .limit(1)
        )
        with self.sessions() as session:
            return session.scalar(query)

    def get(self, answer_id: str) -> Optional[QueueItem]:
        with self.sessions() as session:
            record = session.scalar(select(AnswerRecord).where(AnswerRecord.answer_id == answer_id))
            return _item(record) if record else None

    def set_review(self, answer_ids: Sequence[str], state: str, actor: str) -> int:
        """Mark replies handled, ignored, or open again; returns how many changed."""
        if state not in REVIEW_STATES:
            raise FeedbackError(f"unknown review state {state!r}")
        if not answer_ids:
            return 0
        with self.sessions.begin() as session:
            result = session.execute(
                update(AnswerRecord)
                .where(AnswerRecord.answer_id.in_(list(answer_ids)))
                .values(review=state, reviewed_by=actor, reviewed_at=now())
            )
        return result.rowcount


def _item(record: AnswerRecord) -> QueueItem:
    return QueueItem(
        answer_id=record.answer_id,
        question=record.question,
        language=record.language,
        outcome=record.outcome,
        probability=record.probability,
        citations=json.loads(record.citations or "[]"),
        created_at=record.created_at,
        rating=record.rating,
        reason=record.reason,
        comment=record.comment,
        review=record.review,
    )


_logs: Dict[str, AnswerLog] = {}
_logs_lock = threading.Lock()


def shared_log(url: str) -> AnswerLog:
    """The process-wide answer log for ``url``: opened (and migrated) once, then shared."""
    with _logs_lock:
        if url not in _logs:
            _logs[url] = AnswerLog(url)
        return _logs[url]
