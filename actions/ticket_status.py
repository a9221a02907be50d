"""Ticket status lookup: the number, then the last four digits of the phone, then the status.

``ticket_status_form`` asks for both; nothing about a ticket, not even whether the number exists, is shown
before the verification passes, and three wrong answers end the lookup.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import conversation_language
from actions.settings import get_settings
from actions.texts import REQUEST_TYPE_LABELS, STATUS_LABELS, label, text
from tickets.store import LOCAL_TIMEZONE, TicketStore, shared_store
from tickets.validators import find_ticket_number

MAX_TRIES = 3
FAILED = "failed"  # ticket_verification value that ends the lookup
STATUS_SLOTS = ("ticket_number", "ticket_verification", "status_failures")


class ValidateTicketStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_ticket_status_form"

    async def extract_ticket_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A ticket number anywhere in a message ("status of PT-20261127-0042?") fills the slot."""
        if tracker.get_slot("ticket_number"):
            return {}
        number = find_ticket_number((tracker.latest_message or {}).get("text") or "")
        return {"ticket_number": number} if number else {}

    def validate_ticket_number(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        number = find_ticket_number(str(value or ""))
        if number:
            return {"ticket_number": number}
        failures = (tracker.get_slot("status_failures") or 0) + 1
        if failures >= MAX_TRIES:
            dispatcher.utter_message(text=text(conversation_language(tracker), "lookup_failed"))
            return {"ticket_number": FAILED, "ticket_verification": FAILED, "status_failures": failures}
        dispatcher.utter_message(response="utter_invalid_ticket_number")
        return {"ticket_number": None, "status_failures": failures}

    async def validate_ticket_verification(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        if value == FAILED:
            return {"ticket_verification": FAILED}
        number = tracker.get_slot("ticket_number")
        ticket = await asyncio.to_thread(ticket_store().verify, number, str(value or ""))
        if ticket is not None:
            return {"ticket_verification": "ok"}
        failures = (tracker.get_slot("status_failures") or 0) + 1
        language = conversation_language(tracker)
        if failures >= MAX_TRIES:
            dispatcher.utter_message(text=text(language, "lookup_failed"))
            return {"ticket_verification": FAILED, "status_failures": failures}
        dispatcher.utter_message(text=text(language, "verify_wrong", left=MAX_TRIES - failures))
        return {"ticket_verification": None, "status_failures": failures}


class ActionShowTicketStatus(Action):
    """Shows status and last update of a verified ticket, in the user's language."""

    def name(self) -> Text:
        return "action_show_ticket_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        reset = [SlotSet(slot, None) for slot in STATUS_SLOTS] + [SlotSet("requested_slot", None)]
        if tracker.get_slot("ticket_verification") != "ok":
            return reset
        language = conversation_language(tracker)
        ticket = await asyncio.to_thread(ticket_store().get, tracker.get_slot("ticket_number"))
        if ticket is None:
            dispatcher.utter_message(text=text(language, "lookup_failed"))
            return reset
        updated = ticket.updated_at.astimezone(LOCAL_TIMEZONE).strftime("%Y-%m-%d %H:%M")
        lines = [
            text(
                language,
                "status",
                number=ticket.number,
                type=label(REQUEST_TYPE_LABELS, ticket.request_type, language),
                status=label(STATUS_LABELS, ticket.status, language),
                updated=updated + text(language, "beijing_time"),
            )
        ]
        notes = [e for e in ticket.events if e.kind == "note"]
        if notes:
            lines.append(text(language, "status_note", note=notes[-1].detail))
        dispatcher.utter_message(text="\n".join(lines))
        return reset


def ticket_store() -> TicketStore:
    """The process-wide ticket store of this process's settings."""
    return shared_store(get_settings().tickets_database_url)
