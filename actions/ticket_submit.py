"""The end of the ticket form: saving the confirmed ticket (once, whatever happens to the connection) or
cancelling it. The form itself, its questions and its checks are in :mod:`actions.ticket_form`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import conversation_language
from actions.settings import get_settings
from actions.texts import text
from actions.ticket_form import reset_form
from actions.ticket_parsing import SKIPPED
from actions.ticket_status import STATUS_SLOTS
from tickets.store import NewTicket, shared_store
from tickets.workstations import find

logger = logging.getLogger(__name__)


def request_key(tracker: Tracker) -> str:
    """The conversation and the moment this ticket form started: one form never saves two tickets.

    If the confirmation is repeated because its reply was lost (a server restarting), the form is the
    same and so is the key, and the store returns the ticket it already saved.
    """
    events = tracker.events or []
    starts = [e for e in events if e.get("event") == "active_loop" and e.get("name") == "ticket_form"]
    users = [e for e in events if e.get("event") == "user"]
    moment = (starts or users or [{}])[-1].get("timestamp")
    return hashlib.sha256(f"{tracker.sender_id}|{moment}".encode()).hexdigest()


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    """What was said before the ticket form started, for the handler: the user's messages (not button
    payloads) and the assistant's replies, in order. The store keeps the last turns, masked."""
    events = tracker.events or []
    starts = [
        i for i, e in enumerate(events) if e.get("event") == "active_loop" and e.get("name") == "ticket_form"
    ]
    before = events[: starts[-1]] if starts else events
    turns = []
    for event in before:
        text = str(event.get("text") or "").strip()
        if event.get("event") == "user" and text and not text.startswith("/"):
            turns.append({"from": "user", "text": text})
        elif event.get("event") == "bot" and text:
            turns.append({"from": "bot", "text": text})
    return turns


class ActionSubmitTicket(Action):
    """Saves the confirmed ticket and gives its number; saves nothing without consent."""

    def name(self) -> Text:
        return "action_submit_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        language = conversation_language(tracker)
        if tracker.get_slot("consent") is not True or tracker.get_slot("ticket_confirm") is not True:
            dispatcher.utter_message(text=text(language, "no_consent"))
            return reset_form()
        credit_code = tracker.get_slot("credit_code")
        try:
            new = NewTicket(
                request_type=tracker.get_slot("request_type"),
                company_name=tracker.get_slot("company_name"),
                contact_person=tracker.get_slot("contact_person"),
                phone=tracker.get_slot("contact_phone"),
                email=tracker.get_slot("contact_email"),
                credit_code=None if credit_code in (None, SKIPPED) else credit_code,
                description=tracker.get_slot("description"),
                workstation_id=tracker.get_slot("workstation"),
                language=language,
                request_key=request_key(tracker),
                transcript=transcript(tracker),
            )
            settings = get_settings()
            store = shared_store(settings.tickets_database_url)
            ticket = await asyncio.to_thread(
                store.create, new, "assistant", settings.ticket_save_retry_seconds
            )
        except Exception:  # nothing was written: the store saves in one transaction
            logger.exception("saving a ticket failed")
            dispatcher.utter_message(text=text(language, "save_failed"))
            return reset_form()
        station = find(ticket.workstation_id)
        logger.info(
            "ticket %s saved (type %s, workstation %s)",
            ticket.number,
            ticket.request_type,
            ticket.workstation_id,
        )
        dispatcher.utter_message(
            text=text(
                language,
                "saved",
                number=ticket.number,
                workstation=station.label(language) if station else ticket.workstation_id,
                secret=text(language, "secret_phone" if ticket.phone else "secret_email"),
            ),
            json_message={"type": "ticket", "number": ticket.number},
        )
        return reset_form()


class ActionCancelTicket(Action):
    """After a rule stopped the ticket form (or the status lookup): says so and forgets the values."""

    def name(self) -> Text:
        return "action_cancel_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        dispatcher.utter_message(response="utter_ticket_cancelled")
        return reset_form() + [SlotSet(slot, None) for slot in STATUS_SLOTS]
