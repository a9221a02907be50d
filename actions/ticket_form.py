"""The assistance-ticket form: validation of each field, the summary, saving, cancelling.

Rasa conventions: ``ticket_form`` is declared in domain.yml; ``validate_ticket_form`` checks every value the
user types, explains what is expected when it is wrong, and after three failures offers a way out (skip an
optional field, talk to staff, cancel). The summary step (``ticket_confirm``) lets the user correct any field.
Nothing is saved until the user confirms, and then in one transaction (tickets/store.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import conversation_language
from actions.texts import FIELD_LABELS, REQUEST_TYPE_LABELS, label, text
from actions.ticket_parsing import (
    SKIPPED,
    field_to_change,
    is_skip,
    parse_request_type,
    parse_yes_no,
    without_contact_details,
)
from actions.workstation_card import describe
from tickets.validators import (
    clean_description,
    clean_name,
    find_email,
    find_phone,
    valid_credit_code,
)
from tickets.workstations import find, load_directory, recommend

logger = logging.getLogger(__name__)

FORM_SLOTS = (
    "request_type",
    "company_name",
    "contact_person",
    "contact",
    "contact_phone",
    "contact_email",
    "credit_code",
    "description",
    "workstation",
    "consent",
    "ticket_confirm",
    "ticket_failures",
)
MAX_FAILURES = 3


def summary(tracker: Tracker, language: str) -> str:
    lines = [text(language, "summary_intro")]
    request_type = tracker.get_slot("request_type")
    station = find(tracker.get_slot("workstation") or "")
    values = {
        "request_type": label(REQUEST_TYPE_LABELS, request_type, language),
        "company_name": tracker.get_slot("company_name"),
        "contact_person": tracker.get_slot("contact_person"),
        "contact": " / ".join(
            v for v in (tracker.get_slot("contact_phone"), tracker.get_slot("contact_email")) if v
        ),
        "credit_code": tracker.get_slot("credit_code"),
        "description": tracker.get_slot("description"),
        "workstation": station.label(language) if station else tracker.get_slot("workstation"),
    }
    for field, value in values.items():
        shown = value if value and value != SKIPPED else text(language, "not_given")
        separator = text(language, "label_separator")
        lines.append(f"- {label(FIELD_LABELS, field, language)}{separator}{shown}")
    lines.append(text(language, "summary_outro"))
    return "\n".join(lines)


class ValidateTicketForm(FormValidationAction):
    """Checks each value of ``ticket_form``; explains, counts failures, offers a way out after three."""

    def name(self) -> Text:
        return "validate_ticket_form"

    # helpers ---------------------------------------------------------------------------------
    def _failed(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, optional: bool = False):
        language = conversation_language(tracker)
        failures = dict(tracker.get_slot("ticket_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        dispatcher.utter_message(response=f"utter_invalid_{slot}")
        if failures[slot] >= MAX_FAILURES:
            dispatcher.utter_message(text=text(language, "skip_hint" if optional else "too_many_failures"))
            if optional:
                dispatcher.utter_message(text=text(language, "too_many_failures"))
        return {slot: None, "ticket_failures": failures}

    @staticmethod
    def _text(tracker: Tracker) -> str:
        """The user's message; nothing for a 👍/👎 payload (its ids are not contact details)."""
        latest = tracker.latest_message or {}
        if (latest.get("intent") or {}).get("name") == "feedback":
            return ""
        return latest.get("text") or ""

    # custom extraction: phone numbers and e-mail addresses typed anywhere in the form ---------------
    async def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("contact") or tracker.get_slot("requested_slot") in (None, "contact"):
            return {}
        message = self._text(tracker)
        phone, email = find_phone(message), find_email(message)
        if not (phone or email):
            return {}
        # Only the form's own slot here: validate_contact derives the phone and e-mail slots from it.
        return {"contact": phone or email}

    # validators ------------------------------------------------------------------------------
    def validate_request_type(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        request_type = parse_request_type(str(value or ""))
        if request_type is None:
            return self._failed("request_type", dispatcher, tracker)
        return {"request_type": request_type}

    def validate_company_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        name = clean_name(without_contact_details(str(value or "")), minimum=2, maximum=100)
        if name is None:
            return self._failed("company_name", dispatcher, tracker)
        return {"company_name": name}

    def validate_contact_person(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        name = clean_name(without_contact_details(str(value or "")), minimum=1, maximum=50)
        if name is None:
            return self._failed("contact_person", dispatcher, tracker)
        return {"contact_person": name}

    def validate_contact(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        # Always return the phone and e-mail slots too: the SDK keeps only what validation returns.
        phone, email = find_phone(str(value or "")), find_email(str(value or ""))
        if not (phone or email):
            result = self._failed("contact", dispatcher, tracker)
            return {**result, "contact_phone": None, "contact_email": None}
        return {"contact": phone or email, "contact_phone": phone, "contact_email": email}

    def validate_credit_code(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        if is_skip(str(value or "")):
            return {"credit_code": SKIPPED}
        code = valid_credit_code(str(value or ""))
        if code is None:
            return self._failed("credit_code", dispatcher, tracker, optional=True)
        return {"credit_code": code}

    def validate_description(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        description = clean_description(str(value or ""))
        if description is None:
            return self._failed("description", dispatcher, tracker)
        return {"description": description}

    def validate_workstation(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        language = conversation_language(tracker)
        raw = str(value or "").strip()
        stations = load_directory()
        if parse_yes_no(raw, (tracker.latest_message.get("intent") or {}).get("name")):
            return {"workstation": recommend(tracker.get_slot("request_type") or "other", language).id}
        for number, station in enumerate(stations, 1):
            if raw in (station.id, str(number)) or raw.lower() in (
                station.name["zh"].lower(),
                station.name["en"].lower(),
            ):
                return {"workstation": station.id}
        return self._failed("workstation", dispatcher, tracker)

    def validate_consent(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        answer = parse_yes_no(str(value or ""), (tracker.latest_message.get("intent") or {}).get("name"))
        if answer is None:
            return self._failed("consent", dispatcher, tracker)
        if answer is False:
            # No consent, no ticket: finish the form without a confirmation; the submit action explains.
            return {"consent": False, "ticket_confirm": False}
        return {"consent": True}

    def validate_ticket_confirm(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:  # noqa: ANN001
        language = conversation_language(tracker)
        raw = str(value or "")
        answer = parse_yes_no(raw, (tracker.latest_message.get("intent") or {}).get("name"))
        if answer is True:
            return {"ticket_confirm": True}
        field = field_to_change(raw)
        if field == "contact":
            phone, email = find_phone(raw), find_email(raw)
            if phone or email:  # "change the phone to 139..." corrects it in one step
                return {
                    "contact": phone or email,
                    "contact_phone": phone,
                    "contact_email": email,
                    "ticket_confirm": None,
                }
        if field:
            cleared = {field: None, "ticket_confirm": None}
            if field == "contact":
                cleared.update({"contact_phone": None, "contact_email": None})
            return cleared
        dispatcher.utter_message(text=text(language, "which_field"))
        return {"ticket_confirm": None}


class ActionAskWorkstation(Action):
    """Recommends a workstation for the request type and offers all of them as buttons."""

    def name(self) -> Text:
        return "action_ask_workstation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        language = conversation_language(tracker)
        suggested = recommend(tracker.get_slot("request_type") or "other", language)
        buttons = [{"title": s.label(language), "payload": s.id} for s in load_directory()]
        buttons.sort(key=lambda b: b["payload"] != suggested.id)
        dispatcher.utter_message(
            text=text(
                language, "recommend", name=suggested.label(language), details=describe(suggested, language)
            ),
            buttons=buttons,
        )
        return []


class ActionAskTicketConfirm(Action):
    """Shows the summary of the ticket before it is saved."""

    def name(self) -> Text:
        return "action_ask_ticket_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        language = conversation_language(tracker)
        buttons = [
            {"title": text(language, "submit_button"), "payload": "yes" if language == "en" else "确认"},
            {"title": text(language, "cancel_button"), "payload": "/cancel"},
        ]
        dispatcher.utter_message(text=summary(tracker, language), buttons=buttons)
        return []


def reset_form() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]
