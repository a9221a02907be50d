"""The workstation list and the handoff, run as Rasa runs them: a real Tracker and dispatcher."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.workstation_actions import DIRECTORY, ActionHandoff, ActionListWorkstations
from actions.workstation_card import describe
from tests.actions.conftest import make_tracker
from tickets.workstations import load_directory


def _run(action, text: str, language: str, slots: dict | None = None, intent: str = "list_workstations"):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"language": language, **(slots or {})}, text, intent)
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_list_names_every_workstation_in_the_users_language_and_marks_examples(language) -> None:
    messages, _ = _run(
        ActionListWorkstations(), "工作站在哪" if language == "zh" else "where are you", language
    )
    text, payload = messages[0]["text"], messages[1]["custom"]
    stations = load_directory()
    assert [s["id"] for s in payload["workstations"]] == [s.id for s in stations]
    for station in stations:
        assert station.label(language) in text
    assert ("示例" if language == "zh" else "example") in text
    assert messages[0]["buttons"][0]["payload"] == "/open_ticket"


def test_the_list_keeps_the_question_for_a_follow_up() -> None:
    _, events = _run(ActionListWorkstations(), "What are trade secret protection points?", "en")
    slots = {e["name"]: e["value"] for e in events}
    assert slots == {
        "knowledge_question": "What are trade secret protection points?",
        "knowledge_doc": DIRECTORY,
    }
    _, events = _run(ActionListWorkstations(), "/list_workstations", "en")  # a button: no question asked
    assert events == []


def test_the_handoff_gives_the_chosen_workstation_and_forgets_the_form() -> None:
    station = load_directory()[0]
    messages, events = _run(ActionHandoff(), "转人工", "zh", {"workstation": station.id}, "human_handoff")
    assert describe(station, "zh") in messages[0]["text"]
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {"workstation", "requested_slot"} <= cleared
