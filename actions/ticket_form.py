"""The assistance-ticket form: validation of each field, the summary, saving, cancelling.

Rasa conventions: ``ticket_form`` is declared in domain.yml; ``validate_ticket_form`` checks every value the
user types, explains what is expected when it is wrong, and after three failures offers a way out (skip an
optional field, talk to staff, cancel). The summary step (``ticket_confirm``) lets the user correct any field.
Nothing is saved until the user confirms, and then in one transaction (tickets/store.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import conversation_language
from actions.settings import get_settings
from actions.texts import FIELD_LABELS, REQUEST_TYPE_LABELS, label, text
from actions.ticket_status import STATUS_SLOTS
from actions.workstation_card import describe
from tickets.store import NewTicket, shared_store
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
SKIPPED = "-"  # value of an optional field the user chose to skip
MAX_FAILURES = 3

_TYPE_KEYWORDS = (
    ("overseas_dispute", r"overseas|abroad|foreign court|customs|海外|境外|国外|出口|被诉"),
    ("trade_secret", r"trade.?secret|confidential|leak|商业秘密|泄密|技术秘密|秘密"),
    ("mediation", r"mediat|dispute|调解|纠纷"),
    ("infringement_report", r"report|infring|counterfeit|fake|complain|举报|侵权|投诉|假冒|假货|仿冒"),
    ("other", r"other|else|其他|别的"),
)
_SKIP = re.compile(r"^\s*(skip|no|none|n/?a|don'?t have|没有|无|跳过|不填|暂无|略过)\s*[.!。！]?\s*$", re.I)
_YES = re.compile(
    r"^\s*(yes|y|ok|okay|sure|confirm|submit|agree|i agree|correct|right|"
    r"是|是的|对|好|好的|确认|确认提交|提交|同意|可以|没问题|无误)\s*[.!。！]?\s*$",
    re.I,
)
_NO = re.compile(
    r"^\s*(no|n|nope|disagree|i do not agree|i don'?t agree|不|不是|否|不同意|不要|不对|不行)"
    r"\s*[.!。！]?\s*$",
    re.I,
)
_FIELD_KEYWORDS = (
    ("contact", r"phone|mobile|e-?mail|contact detail|电话|手机|邮箱|联系方式"),
    ("contact_person", r"contact person|name of|person|联系人|姓名"),
    ("company_name", r"company|firm|企业|公司|单位"),
    ("credit_code", r"credit code|uscc|信用代码|代码"),
    ("description", r"descri|detail|情况|描述|说明"),
    ("workstation", r"workstation|station|工作站|受理"),
    ("request_type", r"type|request|类型|事项"),
)


def parse_request_type(value: str) -> Optional[str]:
    value = (value or "").strip().lower()
    if value in REQUEST_TYPE_LABELS:
        return value
    if value.isdigit() and 1 <= int(value) <= len(REQUEST_TYPE_LABELS):
        return list(REQUEST_TYPE_LABELS)[int(value) - 1]
    for request_type, pattern in _TYPE_KEYWORDS:
        if re.search(pattern, value, re.I):
            return request_type
    return None


def parse_yes_no(value: str, intent: Optional[str]) -> Optional[bool]:
    if intent == "affirm" or _YES.match(value or ""):
        return True
    if intent == "deny" or _NO.match(value or ""):
        return False
    return None


def field_to_change(value: str) -> Optional[str]:
    for field, pattern in _FIELD_KEYWORDS:
        if re.search(pattern, value or "", re.I):
            return field
    return None


def without_contact_details(value: str) -> str:
    """A company or person name with any phone number or e-mail address typed along with it removed."""
    value = re.sub(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", " ", value or "")
    value = re.sub(r"(\+?86[-\s]?)?\d[\d\s()-]{6,}\d", " ", value)
    value = re.sub(r"(电话|手机|邮箱|phone|mobile|e-?mail|tel)[:：\s]*$", "", value.strip(), flags=re.I)
    return re.sub(r"[,，;；\s]+$", "", value).strip()


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
        return (tracker.latest_message or {}).get("text") or ""

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
        if _SKIP.match(str(value or "")):
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


def reset_form() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


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
