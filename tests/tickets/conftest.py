"""Fixtures of the ticket tests: a real SQLite ticket database, and a private PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.launch.infra import InfraError, PostgresServer
from tickets import store as store_module
from tickets.store import TicketStore


@pytest.fixture
def ticket_store(tmp_path: Path, monkeypatch) -> Iterator[TicketStore]:
    """A real SQLite ticket database that the actions use through TICKETS_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    monkeypatch.setenv("TICKETS_DATABASE_URL", url)
    store = store_module.shared_store(url)
    yield store
    store_module._stores.pop(url, None)
    store.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server on a free port, started for the tests and stopped after them.

    Skipped only where PostgreSQL is not installed (``make test`` installs it from Debian).
    """
    import tempfile

    from bot.launch.supervisor import free_port

    # Not under pytest's own (root-only) temporary directory: the postgres account must reach it.
    try:
        server = PostgresServer(Path(tempfile.mkdtemp(prefix="ip-assistant-pg-")), free_port()).start()
    except InfraError as error:
        pytest.skip(str(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.url()
