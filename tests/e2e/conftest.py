"""Both servers, started for real on free ports, shared by the live tests of a session."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from bot.serve import DEFAULT_MODEL, Servers, free_port

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run 'make train'")
    work: Path = tmp_path_factory.mktemp("live")
    instance = Servers(
        rasa_port=free_port(),
        actions_port=free_port(),
        log_dir=work / "logs",
        tracker_db=work / "tracker.db",
        extra_env={"TICKETS_DATABASE_URL": f"sqlite:///{work / 'tickets.db'}"},
    )
    with instance:
        yield instance


def say(servers: Servers, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
    body = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    request = urllib.request.Request(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def citations_of(replies: list[dict]) -> list[dict]:
    return [c for r in replies for c in (r.get("custom") or {}).get("citations", [])]


def is_chinese(text: str) -> bool:
    return len(CJK.findall(text)) > len(text) / 4
