"""Tables of the answer log (SQLAlchemy 2). Schema changes go through migrations/ (Alembic, its own version
table, so the log can share the ticket database)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tickets.models import UTCDateTime

OUTCOMES = ("answered", "not_covered", "declined")
RATINGS = ("up", "down")
REASONS = ("wrong", "outdated", "not_asked", "other")
REVIEW_STATES = ("open", "handled", "ignored")


class Base(DeclarativeBase):
    pass


class AnswerRecord(Base):
    """One reply of the knowledge action: the question as typed (contact details masked), what came of it,
    the citations given, and where it stands in the review queue."""

    __tablename__ = "answer_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    conversation_id: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    language: Mapped[str] = mapped_column(String(5), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    probability: Mapped[Optional[float]] = mapped_column(Float)
    citations: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON list
    rating: Mapped[Optional[str]] = mapped_column(String(10))  # the user's latest 👍/👎
    reason: Mapped[Optional[str]] = mapped_column(String(20))
    comment: Mapped[Optional[str]] = mapped_column(Text)
    rated_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    review: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    reviewed_by: Mapped[Optional[str]] = mapped_column(String(100))
    reviewed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
