"""Helpers for the live tests; the servers themselves come from ``tests/conftest.py``."""

from __future__ import annotations

import json
import re
import urllib.request

from bot.launch.pilot import Servers

CJK = re.compile(r"[\u4e00-\u9fff]")


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
