"""Staff accounts (argon2 password hashes, roles, lockout) and the audit log of every change."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from tickets.database import sqlalchemy_url

ROLES = ("editor", "handler", "admin")
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,39}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A request the accounts cannot honour; the message is safe to show."""


class Base(DeclarativeBase):
    pass


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    def can(self, area: str) -> bool:
        """``knowledge`` for editors, ``tickets`` for handlers, everything for admins."""
        return self.role == "admin" or (area, self.role) in (("knowledge", "editor"), ("tickets", "handler"))


class AuditEntry(Base):
    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment and moment.tzinfo is None else moment


@dataclass
class SignIn:
    user: Optional[StaffUser]
    locked: bool = False


class Accounts:
    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(sqlalchemy_url(url), pool_pre_ping=True)
        Base.metadata.create_all(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_user(self, username: str, password: str, role: str, actor: str) -> StaffUser:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise AccountError("user names are 3–40 lowercase letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"passwords need at least {MIN_PASSWORD} characters")
        with self.sessions.begin() as session:
            if session.scalar(select(StaffUser).where(StaffUser.username == username)):
                raise AccountError(f"the user {username} exists already")
            user = StaffUser(
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
                failed_logins=0,
                created_at=now(),
            )
            session.add(user)
            session.add(AuditEntry(at=now(), actor=actor, action="create-user", target=username, detail=role))
        return user

    def get(self, username: str) -> Optional[StaffUser]:
        with self.sessions() as session:
            return session.scalar(select(StaffUser).where(StaffUser.username == username))

    def users(self) -> List[StaffUser]:
        with self.sessions() as session:
            return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))

    def sign_in(self, username: str, password: str) -> SignIn:
        """Check a password; after MAX_FAILURES wrong ones the account is locked for LOCKOUT."""
        with self.sessions.begin() as session:
            user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
            if user is None:
                _hasher.hash(password)  # the same work as for a real account: no timing hint
                return SignIn(None)
            if _aware(user.locked_until) and _aware(user.locked_until) > now():
                return SignIn(None, locked=True)
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until, user.failed_logins = now() + LOCKOUT, 0
                    session.add(
                        AuditEntry(at=now(), actor=user.username, action="locked", target=user.username)
                    )
                return SignIn(
                    None, locked=user.locked_until is not None and _aware(user.locked_until) > now()
                )
            user.failed_logins, user.locked_until = 0, None
            session.add(AuditEntry(at=now(), actor=user.username, action="sign-in", target=user.username))
            return SignIn(user)

    def audit(self, actor: str, action: str, target: str, detail: str = "") -> None:
        with self.sessions.begin() as session:
            session.add(AuditEntry(at=now(), actor=actor, action=action, target=target[:200], detail=detail))

    def audit_log(self, limit: int = 200) -> List[AuditEntry]:
        with self.sessions() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
