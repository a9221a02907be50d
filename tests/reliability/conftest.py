"""The production shape (bot/launch/production.py) started once for the reliability tests, on free ports.

Its knowledge base is a copy (documents and index) so that the rebuild test can change it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from bot.launch import infra
from bot.launch.commands import DEFAULT_MODEL
from bot.launch.production import Production
from bot.launch.supervisor import ROOT, free_port

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="session")
def production() -> Iterator[Production]:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run 'make train'")
    for name, found in (
        ("PostgreSQL", infra.binary("initdb", "/usr/lib/postgresql/*/bin/initdb")),
        ("Redis", infra.binary("redis-server")),
        ("nginx", infra.binary("nginx", "/usr/sbin/nginx")),
    ):
        if not found:
            pytest.skip(f"{name} is not installed (make system-deps installs it as root)")
    work = Path(tempfile.mkdtemp(prefix="ip-assistant-prod-"))
    work.chmod(0o755)  # PostgreSQL runs as its own account and must reach its directory inside
    shutil.copytree(ROOT / "knowledge" / "docs", work / "docs")
    shutil.copytree(ROOT / "var" / "index", work / "index", symlinks=True)
    instance = Production(
        public_port=free_port(),
        web_port=free_port(),
        actions_lb_port=free_port(),
        rasa_ports=(free_port(), free_port()),
        actions_ports=(free_port(), free_port()),
        postgres_port=free_port(),
        redis_port=free_port(),
        work_dir=work / "prod",
        request_rate="5000r/s",  # every test conversation comes from 127.0.0.1
        extra_env={
            "KNOWLEDGE_DOCS_DIR": str(work / "docs"),
            "KNOWLEDGE_INDEX_DIR": str(work / "index"),
            "RATE_LIMIT_MESSAGES": "1000",  # the load test sends many messages per conversation
        },
    )
    with instance:
        yield instance
    if os.environ.get("KEEP_PROD_DIR") is None:
        shutil.rmtree(work, ignore_errors=True)


def post(production: Production, sender: str, message: str, timeout: float = 90) -> tuple[int, list]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{production.public_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read())
        except ValueError:
            return error.code, []
    except (urllib.error.URLError, OSError):
        return 0, []


def text_of(replies: list) -> str:
    return "\n".join(r.get("text") or "" for r in replies if isinstance(r, dict))


def query(production: Production, database: str, sql: str, *params: object) -> list:
    """Rows from one of the production databases (read with SQLAlchemy and psycopg)."""
    from sqlalchemy import create_engine, text

    from tickets.database import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(production.postgres.url(database)))
    try:
        with engine.connect() as connection:
            names = {f"p{i}": value for i, value in enumerate(params)}
            return list(connection.execute(text(sql), names))
    finally:
        engine.dispose()


APOLOGIES = ("请稍后再试", "try again", "暂时不可用", "temporarily unavailable")


def is_apology(text: str) -> bool:
    return any(words in text for words in APOLOGIES)


def wait_until_answering(production: Production, seconds: float = 90) -> None:
    """Wait until both action servers answer promptly again (after a fault, nginx retries a server it
    marked down only after a few seconds, and a backlog of work takes a while to drain)."""
    import time

    deadline = time.monotonic() + seconds
    prompt = 0
    while time.monotonic() < deadline and prompt < 4:
        started = time.monotonic()
        status, replies = post(production, f"probe-{started}", "商标侵权怎么举报？")
        quick = status == 200 and "根据" in text_of(replies) and time.monotonic() - started < 3
        prompt = prompt + 1 if quick else 0
        if not quick:
            time.sleep(1)
    if prompt < 4:
        raise AssertionError("the production shape does not answer promptly")
