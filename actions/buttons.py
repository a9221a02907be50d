"""Buttons offered in several places, in the user's language."""

from __future__ import annotations

from typing import Dict

from actions.texts import text


def open_ticket_button(language: str) -> Dict[str, str]:
    title = text(language, "open_ticket_button")
    return {"title": title, "payload": "/open_ticket"}


def ask_about_document_button(title: str, language: str) -> Dict[str, str]:
    """A document's title; choosing it asks what the document says, as a question of the user's own."""
    return {"title": title, "payload": text(language, "ask_about_document", title=title)}


def ask_something_else_button(language: str) -> Dict[str, str]:
    title = text(language, "ask_something_else_button")
    return {"title": title, "payload": "/ask_something_else"}
