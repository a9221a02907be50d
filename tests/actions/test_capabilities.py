"""``action_show_capabilities`` with a real Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.capabilities import CAPABILITIES, ActionShowCapabilities
from tests.actions.conftest import make_tracker


def _tracker(language: str | None) -> Tracker:
    return make_tracker({"language": language}, "what can you do", "ask_capabilities")


def _run(language: str | None) -> list[dict]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionShowCapabilities().run(dispatcher, _tracker(language), {}))
    assert events == []
    return dispatcher.messages


def test_english_capabilities_are_in_english() -> None:
    [message] = _run("en")
    text = message["text"]
    assert text.startswith("I am the assistant")
    assert "Sino-Israel (Shanghai) Innovation Park" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text.replace("请用中文", ""))
    assert text.count("\n") == len(CAPABILITIES)


def test_chinese_capabilities_are_in_chinese() -> None:
    [message] = _run("zh")
    assert message["text"].startswith("我是普陀区市场监管局")
    assert "中以（上海）创新园" in message["text"]


@pytest.mark.parametrize("slot_value", [None, "fr", ""])
def test_unknown_language_falls_back_to_the_default(slot_value, monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_DEFAULT_LANGUAGE", "en")
    [message] = _run(slot_value)
    assert message["text"].startswith("I am the assistant")
    monkeypatch.setenv("ASSISTANT_DEFAULT_LANGUAGE", "zh")
    [message] = _run(slot_value)
    assert message["text"].startswith("我是")
