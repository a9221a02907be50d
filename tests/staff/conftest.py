"""The staff console over a real knowledge library (test corpus, real model and index) and a real
ticket store (SQLite), driven through Starlette's test client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from actions.settings import Settings
from feedback.store import AnswerLog
from staff.accounts import Accounts
from staff.app import create_app
from tests.knowledge.conftest import corpus, embedder, model_dir  # noqa: F401
from tickets.store import TicketStore

PASSWORD = "correct horse battery"


@pytest.fixture
def console_app(tmp_path: Path, corpus: Path, model_dir: str, embedder):  # noqa: F811, ANN001, ANN201
    docs = corpus  # a per-test copy already
    settings = Settings(
        var_dir=tmp_path,
        docs_dir=docs,
        index_dir=tmp_path / "index",
        embedding_model=model_dir,
        staff_database_url=f"sqlite:///{tmp_path / 'staff.db'}",
        staff_secret_key="test-secret-" + "x" * 32,
    )
    tickets = TicketStore(f"sqlite:///{tmp_path / 'tickets.db'}")
    answers = AnswerLog(tickets.url)  # the answer log shares the ticket database, as by default
    app = create_app(settings, tickets, embedder, answers)
    app.state.console.library.rebuild()
    accounts: Accounts = app.state.console.accounts
    for name, role in (("erin.editor", "editor"), ("hank.handler", "handler"), ("ada.admin", "admin")):
        accounts.create_user(name, PASSWORD, role, actor="test")
    yield app
    tickets.engine.dispose()
    answers.engine.dispose()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


@pytest.fixture
def sign_in(console_app) -> Iterator[Callable[..., TestClient]]:  # noqa: ANN001
    """sign_in("hank.handler") -> a client with that user's session."""
    clients = []

    def signed(username: str, password: str = PASSWORD) -> TestClient:
        client = TestClient(console_app, base_url="http://testserver", follow_redirects=False)
        clients.append(client)
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"username": username, "password": password, "csrf": token})
        assert response.status_code == 303, response.text
        return client

    yield signed
    for client in clients:
        client.close()
