"""The conversation language as the actions see it."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.settings import get_settings

SUPPORTED_LANGUAGES = ("zh", "en")


def conversation_language(tracker: Tracker) -> str:
    """The ``language`` slot if it holds a supported value, else the deployment's default."""
    value = tracker.get_slot("language")
    if value in SUPPORTED_LANGUAGES:
        return value
    return get_settings().default_language
