"""The ticket store: one transaction per change, ticket numbers unique under concurrency.

SQLite (a file under var/) by default, PostgreSQL when ``TICKETS_DATABASE_URL`` says so
(:mod:`tickets.database` opens either). The schema is brought up to date by the Alembic migrations in
``migrations/`` when a store is opened.

Ticket numbers are ``PT-<local date>-<4 digits>``: a per-day counter row is incremented with an atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside the same transaction as the ticket itself, so two
simultaneous saves can never get the same number and a failed save hands out no number.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import IO, Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from tickets.database import dialect, migrate, open_engine, retrying
from tickets.models import STATUSES, Ticket, TicketCounter, TicketEvent
from tickets.validators import mask_contact_details, mask_email, mask_phone, phone_last_four

LOCAL_TIMEZONE = ZoneInfo("Asia/Shanghai")
TRANSITIONS: Dict[str, Sequence[str]] = {
    "new": ("assigned", "in_progress", "closed"),
    "assigned": ("in_progress", "resolved", "closed"),
    "in_progress": ("resolved", "closed"),
    "resolved": ("in_progress", "closed"),
    "closed": (),
}


class TicketError(ValueError):
    """A request the store refuses (unknown ticket, impossible status change...)."""


@dataclass(frozen=True)
class NewTicket:
    """What the form collected; validated before it gets here."""

    request_type: str
    company_name: str
    contact_person: str
    description: str
    workstation_id: str
    language: str
    phone: Optional[str] = None
    email: Optional[str] = None
    credit_code: Optional[str] = None
    request_key: Optional[str] = None  # the same key twice means the same request: saved once
    # the conversation's recent turns [{"from": "user"|"bot", "text": ...}]; masked when saved
    transcript: Sequence[Dict[str, str]] = ()

    def __post_init__(self) -> None:
        if not (self.phone or self.email):
            raise TicketError("a ticket needs a phone number or an e-mail address")
        for name in ("request_type", "company_name", "contact_person", "description", "workstation_id"):
            if not str(getattr(self, name) or "").strip():
                raise TicketError(f"a ticket needs {name}")
        if self.language not in ("zh", "en"):
            raise TicketError("language must be zh or en")


MAX_TURNS = 20
MAX_TURN_CHARS = 1000


def masked_turns(turns: Sequence[Dict[str, str]]) -> List[Dict[str, str]]:
    """The last :data:`MAX_TURNS` turns, each cut to :data:`MAX_TURN_CHARS`, phone numbers and e-mail
    addresses masked as a ticket's are shown in the queue."""
    kept = [t for t in turns if t.get("from") in ("user", "bot") and str(t.get("text") or "").strip()]
    return [
        {"from": t["from"], "text": mask_contact_details(str(t["text"]).strip())[:MAX_TURN_CHARS]}
        for t in kept[-MAX_TURNS:]
    ]


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class TicketStore:
    """All reads and writes of tickets."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = dialect(url)
        try:
            self.engine = open_engine(url)
        except ValueError as error:
            raise TicketError(str(error)) from None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        retrying(self.migrate, 10.0)  # the first ticket may arrive while the database restarts

    def migrate(self) -> None:
        """Bring the tables up to date (Alembic, ``migrations/``)."""
        migrate(self.engine)

    # writing -------------------------------------------------------------------------------------
    def _next_number(self, session: Session, moment: dt.datetime) -> str:
        day = moment.astimezone(LOCAL_TIMEZONE).strftime("%Y%m%d")
        if self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = (
            insert(TicketCounter)
            .values(day=day, last=1)
            .on_conflict_do_update(index_elements=[TicketCounter.day], set_={"last": TicketCounter.last + 1})
            .returning(TicketCounter.last)
        )
        last = session.execute(statement).scalar_one()
        if last > 9999:
            raise TicketError("more than 9,999 tickets in one day")
        return f"PT-{day}-{last:04d}"

    def create(self, new: NewTicket, actor: str = "assistant", retry_seconds: float = 10.0) -> Ticket:
        """Save a ticket and its first event in one transaction; returns it with its number.

        A busy SQLite file or a lost database connection (PostgreSQL restarting) is retried for up to
        ``retry_seconds``, which stays below Rasa's wait for an action (``ACTION_TIMEOUT_SECONDS``) so
        that a ticket is never saved after the user was told it was not. With a ``request_key`` a retry
        never saves twice: if the lost transaction had in fact committed, the unique key refuses the
        second insert and the saved ticket is returned.
        """

        def insert_once() -> Ticket:
            try:
                return self._insert(new, actor)
            except IntegrityError:
                existing = self.by_request_key(new.request_key) if new.request_key else None
                if existing is None:
                    raise
                return existing

        return retrying(insert_once, retry_seconds)

    def _insert(self, new: NewTicket, actor: str) -> Ticket:
        with self.sessions.begin() as session:
            moment = now()
            ticket = Ticket(
                number=self._next_number(session, moment),
                status="new",
                request_type=new.request_type,
                company_name=new.company_name,
                contact_person=new.contact_person,
                phone=new.phone,
                email=new.email,
                credit_code=new.credit_code,
                description=new.description,
                workstation_id=new.workstation_id,
                language=new.language,
                consent_at=moment,
                created_at=moment,
                updated_at=moment,
                request_key=new.request_key,
                transcript=json.dumps(masked_turns(new.transcript), ensure_ascii=False)
                if new.transcript
                else None,
            )
            ticket.events.append(TicketEvent(at=moment, kind="created", actor=actor, detail=""))
            session.add(ticket)
        return ticket

    def by_request_key(self, key: str) -> Optional[Ticket]:
        with self.sessions() as session:
            return session.scalar(select(Ticket).where(Ticket.request_key == key))

    def _change(self, number: str, actor: str, kind: str, detail: str, apply) -> Ticket:  # noqa: ANN001
        with self.sessions.begin() as session:
            ticket = session.scalars(
                select(Ticket).where(Ticket.number == number).options(selectinload(Ticket.events))
            ).one_or_none()
            if ticket is None:
                raise TicketError(f"no ticket {number}")
            apply(ticket)
            moment = now()
            ticket.updated_at = moment
            ticket.events.append(TicketEvent(at=moment, kind=kind, actor=actor, detail=detail))
        return ticket

    def assign(self, number: str, assignee: str, actor: str) -> Ticket:
        def apply(ticket: Ticket) -> None:
            if ticket.status in ("resolved", "closed"):
                raise TicketError(f"{number} is {ticket.status}; reopen it before assigning")
            ticket.assignee = assignee
            if ticket.status == "new":
                ticket.status = "assigned"

        return self._change(number, actor, "assigned", assignee, apply)

    def set_status(self, number: str, status: str, actor: str, note: str = "") -> Ticket:
        if status not in STATUSES:
            raise TicketError(f"unknown status {status!r} (use {', '.join(STATUSES)})")

        def apply(ticket: Ticket) -> None:
            if status not in TRANSITIONS[ticket.status]:
                allowed = ", ".join(TRANSITIONS[ticket.status]) or "none"
                raise TicketError(f"{number} cannot go from {ticket.status} to {status} (allowed: {allowed})")
            ticket.status = status

        return self._change(number, actor, "status", f"{status} {note}".strip(), apply)

    def add_note(self, number: str, note: str, actor: str) -> Ticket:
        if not note.strip():
            raise TicketError("the note is empty")
        return self._change(number, actor, "note", note.strip(), lambda ticket: None)

    # reading -------------------------------------------------------------------------------------
    def get(self, number: str) -> Optional[Ticket]:
        with self.sessions() as session:
            return session.scalars(
                select(Ticket).where(Ticket.number == number).options(selectinload(Ticket.events))
            ).one_or_none()

    def exists(self, number: str) -> bool:
        return self.get(number) is not None

    def verify(self, number: str, answer: str) -> Optional[Ticket]:
        """The ticket, if ``answer`` is the last four digits of its phone (or its e-mail, for e-mail-only
        tickets); else None. Nothing about a ticket is shown before this passes."""
        ticket = self.get(number)
        if ticket is None:
            return None
        answer = (answer or "").strip()
        if ticket.phone:
            return (
                ticket
                if answer and phone_last_four(ticket.phone) == answer[-4:] and answer[-4:].isdigit()
                else None
            )
        return ticket if ticket.email and answer.lower() == ticket.email.lower() else None

    def list(
        self, status: Optional[str] = None, workstation: Optional[str] = None, limit: int = 200
    ) -> List[Ticket]:
        query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
        if status:
            query = query.where(Ticket.status == status)
        if workstation:
            query = query.where(Ticket.workstation_id == workstation)
        with self.sessions() as session:
            return list(session.scalars(query))

    def export_csv(self, out: IO[str], masked: bool = False) -> int:
        """All tickets as CSV (contact data masked on request); returns the number of rows."""
        writer = csv.writer(out)
        columns = [
            "number",
            "status",
            "created_at",
            "updated_at",
            "request_type",
            "workstation_id",
            "language",
            "company_name",
            "contact_person",
            "phone",
            "email",
            "credit_code",
            "assignee",
            "description",
        ]
        writer.writerow(columns)
        rows = 0
        with self.sessions() as session:
            for ticket in session.scalars(select(Ticket).order_by(Ticket.id)):
                values = {c: getattr(ticket, c) for c in columns}
                if masked:
                    values["phone"], values["email"] = mask_phone(ticket.phone), mask_email(ticket.email)
                writer.writerow(
                    [v.isoformat() if isinstance(v, dt.datetime) else (v or "") for v in values.values()]
                )
                rows += 1
        return rows


_stores: Dict[str, TicketStore] = {}
_stores_lock = threading.Lock()


def shared_store(url: str) -> TicketStore:
    """The process-wide store for ``url``: opened (and its tables brought up to date) once, then shared."""
    with _stores_lock:
        if url not in _stores:
            _stores[url] = TicketStore(url)
        return _stores[url]
