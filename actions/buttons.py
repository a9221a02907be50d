"""Buttons offered in several places, in the user's language."""

from __future__ import annotations

from typing import Dict


def open_ticket_button(language: str) -> Dict[str, str]:
    title = "Open an assistance ticket" if language == "en" else "开一张援助工单"
    return {"title": title, "payload": "/open_ticket"}


def ask_something_else_button(language: str) -> Dict[str, str]:
    title = "Ask something else" if language == "en" else "问其他问题"
    return {"title": title, "payload": "/ask_something_else"}
