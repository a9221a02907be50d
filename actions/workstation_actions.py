"""Listing the workstations and handing a user over to staff (contact details in the user's language)."""

from __future__ import annotations

from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.buttons import open_ticket_button
from actions.language import conversation_language
from actions.ticket_form import reset_form
from actions.workstations import find, load_directory, recommend

# The "document" a follow-up of the workstation list leans on: no knowledge document is called so.
DIRECTORY = "workstation-directory"

EXAMPLE_NOTE = {
    "zh": "注：标有“示例”的名称、地址、时间、电话和受理事项为示例信息，正式上线前由工作人员替换。",
    "en": "Note: details marked as examples are placeholders that staff replace before going live.",
}


class ActionListWorkstations(Action):
    def name(self) -> Text:
        return "action_list_workstations"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        language = conversation_language(tracker)
        stations = load_directory()
        intro = (
            "我们的维权工作站和服务窗口："
            if language == "zh"
            else "Our rights-protection workstations and service desks:"
        )
        blocks = [f"{n}. {s.describe(language)}" for n, s in enumerate(stations, 1)]
        if any(s.example for s in stations):
            blocks.append(EXAMPLE_NOTE[language])
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
        intro = (
            "好的，请直接联系工作人员：" if language == "zh" else "Of course. You can reach the staff here:"
        )
        outro = (
            "也可以开一张援助工单，工作人员会与您联系。"
            if language == "zh"
            else "You can also open an assistance ticket and the staff will contact you."
        )
        lines = [intro, station.describe(language), outro]
        if station.example:
            lines.append(EXAMPLE_NOTE[language])
        dispatcher.utter_message(text="\n".join(lines), buttons=[open_ticket_button(language)])
        return reset_form()  # a form in progress was stopped by the rule; forget what it collected
