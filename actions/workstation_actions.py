"""Listing the workstations and handing a user over to staff (contact details in the user's language)."""

from __future__ import annotations

from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.buttons import open_ticket_button
from actions.language import conversation_language
from actions.texts import text
from actions.ticket_form import reset_form
from actions.workstation_card import describe
from tickets.workstations import find, load_directory, recommend

# The "document" a follow-up of the workstation list leans on: no knowledge document is called so.
DIRECTORY = "workstation-directory"


class ActionListWorkstations(Action):
    def name(self) -> Text:
        return "action_list_workstations"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        language = conversation_language(tracker)
        stations = load_directory()
        intro = text(language, "workstations_intro")
        blocks = [f"{n}. {describe(s, language)}" for n, s in enumerate(stations, 1)]
        if any(s.example for s in stations):
            blocks.append(text(language, "example_note"))
        dispatcher.utter_message(text="\n\n".join([intro, *blocks]), buttons=[open_ticket_button(language)])
        dispatcher.utter_message(
            json_message={
                "type": "workstations",
                "workstations": [
                    {
                        "id": s.id,
                        "name": s.label(language),
                        "address": s.address[language],
                        "hours": s.hours[language],
                        "phone": s.phone,
                        "example": s.example,
                    }
                    for s in stations
                ],
            }
        )
        # What a follow-up ("How can we get help from one?") leans on: the question the list answered.
        question = (tracker.latest_message or {}).get("text") or ""
        if not question or question.startswith("/"):
            return []
        return [SlotSet("knowledge_question", question), SlotSet("knowledge_doc", DIRECTORY)]


class ActionHandoff(Action):
    """The user wants a person: give the contact of the chosen (or suggested) workstation; stop any form."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        language = conversation_language(tracker)
        station = find(tracker.get_slot("workstation") or "") or recommend(
            tracker.get_slot("request_type") or "other", language
        )
        lines = [
            text(language, "handoff_intro"),
            describe(station, language),
            text(language, "handoff_outro"),
        ]
        if station.example:
            lines.append(text(language, "example_note"))
        dispatcher.utter_message(text="\n".join(lines), buttons=[open_ticket_button(language)])
        return reset_form()  # a form in progress was stopped by the rule; forget what it collected
