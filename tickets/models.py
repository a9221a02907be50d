"""Database tables of the ticket store (SQLAlchemy 2). Schema changes go through migrations/ (Alembic)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Dict, List, Optional

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("new", "assigned", "in_progress", "resolved", "closed")


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on every database: stored as UTC, read back as UTC-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect) -> Optional[dt.datetime]:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use an aware one (UTC)")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: Optional[dt.datetime], dialect) -> Optional[dt.datetime]:  # noqa: ANN001
        if value is None:
            return None
        return (
            value.replace(tzinfo=dt.timezone.utc)
            if value.tzinfo is None
            else value.astimezone(dt.timezone.utc)
        )


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    request_type: Mapped[str] = mapped_column(String(40))
    company_name: Mapped[str] = mapped_column(String(200))
    contact_person: Mapped[str] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(40), nullable=True)
    email: Mapped[Optional[str]] = mapped_column(String(254), nullable=True)
    credit_code: Mapped[Optional[str]] = mapped_column(String(18), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    workstation_id: Mapped[str] = mapped_column(String(60), index=True)
    language: Mapped[str] = mapped_column(String(5))
    assignee: Mapped[Optional[str]] = mapped_column(String(100), nullable=True)
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The conversation turn that asked for the ticket: a retried save finds the ticket already there.
    request_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True, index=True, nullable=True)
    # The conversation's recent turns when the ticket was opened, JSON [{"from": "user"|"bot", "text": ...}],
    # contact details masked: the handler sees what was asked and answered.
    transcript: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    events: Mapped[List[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )

    def turns(self) -> List[Dict[str, str]]:
        """The transcript's turns (none for a ticket opened elsewhere, or before transcripts were kept)."""
        try:
            turns = json.loads(self.transcript or "[]")
        except ValueError:
            return []
        return [t for t in turns if isinstance(t, dict) and {"from", "text"} <= set(t)]


class TicketEvent(Base):
    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))  # created, assigned, status, note
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")
    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketCounter(Base):
    """The last ticket number handed out per local day (PT-20261127-0042 → day 20261127, last 42)."""

    __tablename__ = "ticket_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
