"""The assistant's servers (actions, Rasa, chat page), started for real on free ports once per session,
and a private PostgreSQL server.

Shared by the live REST tests (tests/e2e/) and the browser tests (tests/browser/), so the servers start
once; tests that stop one of them start it again before they end.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from bot.launch.commands import DEFAULT_MODEL, DEFAULT_WEB_DIR
from bot.launch.infra import InfraError, PostgresServer
from bot.launch.pilot import Servers
from bot.launch.supervisor import ROOT, free_port


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run 'make train'")
    if not (DEFAULT_WEB_DIR / "widget.js").exists():
        pytest.fail(f"the chat page is not built in {DEFAULT_WEB_DIR}: run 'make web'")
    work: Path = tmp_path_factory.mktemp("live")
    # The knowledge base is a copy: the staff console's tests change it.
    shutil.copytree(ROOT / "knowledge" / "docs", work / "docs")
    shutil.copytree(ROOT / "var" / "index", work / "index", symlinks=True)
    instance = Servers(
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
        staff_port=free_port(),
        log_dir=work / "logs",
        tracker_db=work / "tracker.db",
        extra_env={
            "TICKETS_DATABASE_URL": f"sqlite:///{work / 'tickets.db'}",
            "KNOWLEDGE_DOCS_DIR": str(work / "docs"),
            "KNOWLEDGE_INDEX_DIR": str(work / "index"),
            "STAFF_DATABASE_URL": f"sqlite:///{work / 'staff.db'}",
        },
    )
    with instance:
        yield instance


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server on a free port, started for the tests and stopped after them.

    Skipped only where PostgreSQL is not installed (``make test`` installs it from Debian).
    """
    import shutil
    import tempfile

    from bot.launch.supervisor import free_port

    # Not under pytest's own (root-only) temporary directory: the postgres account must reach it.
    # Removed afterwards, as pytest's own directories are not: each server's files take ~125 MB.
    directory = Path(tempfile.mkdtemp(prefix="ip-assistant-pg-"))
    try:
        try:
            server = PostgresServer(directory, free_port()).start()
        except InfraError as error:
            pytest.skip(str(error))
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.url()
