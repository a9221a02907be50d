"""Fixtures of the ticket tests: a real SQLite ticket database (PostgreSQL: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

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
