"""Opening the ticket database: SQLite or PostgreSQL, its migrations, and riding out a lost connection.

Apart from the store so that the store says what happens to tickets and this module how the database
behaves (write locks, drivers, restarts).
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Several action servers may start at once: PostgreSQL lets one migrate at a time under this lock.
MIGRATION_LOCK = 727274


def dialect(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def open_engine(url: str) -> Engine:
    """An engine for an ``sqlite:///…`` or ``postgresql://…`` URL (ValueError for any other)."""
    kind = dialect(url)
    if kind == "sqlite":
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        _sqlite_immediate_transactions(engine)
        return engine
    if kind in ("postgresql", "postgres"):
        return create_engine(sqlalchemy_url(url), pool_pre_ping=True)
    raise ValueError(f"unsupported database URL {url.split(':', 1)[0]!r} (use sqlite or postgresql)")


def migrate(engine: Engine, directory: Path = MIGRATIONS, version_table: str = "alembic_version") -> None:
    """Apply the Alembic migrations in ``directory`` up to the newest, on a connection of ``engine``.

    Another set of tables in the same database (the answer log, :mod:`feedback`) keeps its own
    ``version_table``, so each set migrates on its own.
    """
    config = Config()
    config.set_main_option("script_location", str(directory))
    with engine.begin() as connection:
        if engine.dialect.name != "sqlite":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        config.attributes["connection"] = connection
        config.attributes["version_table"] = version_table
        command.upgrade(config, "head")


def _sqlite_immediate_transactions(engine: Engine) -> None:
    """Let SQLite take the write lock at BEGIN, so concurrent writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlalchemy_url(url: str) -> str:
    """``postgresql://…`` as SQLAlchemy needs it to use psycopg 3 (the driver installed here)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def retrying(work, seconds: float):  # noqa: ANN001, ANN202 - any callable and its result
    """Call ``work`` again while it fails with a retryable database error, for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    attempt = 0
    while True:
        attempt += 1
        try:
            return work()
        except DBAPIError as error:
            if not _retryable(error) or time.monotonic() > deadline:
                raise
            time.sleep(min(2.0, 0.1 * attempt))


def _retryable(error: DBAPIError) -> bool:
    """A busy SQLite file, or a connection the database dropped (a restart): worth trying again."""
    if error.connection_invalidated:
        return True
    message = str(error).lower()
    if isinstance(error, OperationalError):
        return any(
            sign in message
            for sign in ("locked", "connection", "terminat", "shutdown", "closed", "server", "starting up")
        )
    return "connection" in message
