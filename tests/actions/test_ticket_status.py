"""Ticket status lookup: nothing is shown before the verification passes; three wrong answers end it."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.ticket_status import ActionShowTicketStatus, ValidateTicketStatusForm
from tests.actions.conftest import make_tracker
from tickets.store import NewTicket

FORM = "ticket_status_form"


def turn(domain, slots, requested, text_, set_slot=True):
    dispatcher = CollectingDispatcher()
    new = {requested: text_} if set_slot and requested else {}
    tracker = make_tracker({**slots, "requested_slot": requested}, text_, "inform", new, FORM)
    events = asyncio.run(ValidateTicketStatusForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def show(domain, slots):
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionShowTicketStatus().run(dispatcher, make_tracker(slots), domain))
    return dispatcher.messages


def _ticket(ticket_store, language="zh"):
    return ticket_store.create(
        NewTicket(
            "mediation",
            "示例公司",
            "张三",
            "专利纠纷需要调解处理。",
            "putuo-ip-service",
            language,
            phone="13812345678",
        )
    )


def test_number_in_the_first_message_then_verification_then_status(domain, ticket_store) -> None:
    ticket = _ticket(ticket_store)
    ticket_store.assign(ticket.number, "li.si", actor="chief")
    ticket_store.add_note(ticket.number, "已约定下周调解。", actor="li.si")
    # "查一下 PT-… 的进度": the number is picked up from the activating message
    values, _ = turn(
        domain, {"language": "zh"}, None, f"查一下 {ticket.number.lower()} 的进度", set_slot=False
    )
    assert values["ticket_number"] == ticket.number
    slots = {"language": "zh", **values}
    values, messages = turn(domain, slots, "ticket_verification", "5678")
    assert values["ticket_verification"] == "ok" and messages == []
    [message] = show(domain, {**slots, **values})
    assert ticket.number in message["text"] and "已分派给工作人员" in message["text"]
    assert "已约定下周调解" in message["text"] and "北京时间" in message["text"]
    assert "13812345678" not in message["text"]


def test_wrong_digits_three_times_end_the_lookup_without_showing_anything(domain, ticket_store) -> None:
    ticket = _ticket(ticket_store, "en")
    slots = {"language": "en", "ticket_number": ticket.number}
    for attempt in (1, 2):
        values, messages = turn(domain, slots, "ticket_verification", "0000")
        assert values["ticket_verification"] is None and f"{3 - attempt} tries left" in messages[0]["text"]
        slots.update(values)
    values, messages = turn(domain, slots, "ticket_verification", "0000")
    assert values["ticket_verification"] == "failed" and "lookup has ended" in messages[0]["text"]
    assert show(domain, {**slots, **values}) == []


def test_unknown_numbers_look_the_same_as_wrong_digits(domain, ticket_store) -> None:
    slots = {"language": "zh", "ticket_number": "PT-20000101-0001"}
    values, messages = turn(domain, slots, "ticket_verification", "5678")
    assert values["ticket_verification"] is None and "不匹配" in messages[0]["text"]


def test_a_malformed_number_is_explained(domain, ticket_store) -> None:
    values, messages = turn(domain, {"language": "zh"}, "ticket_number", "我忘了")
    assert values["ticket_number"] is None and messages[0]["response"] == "utter_invalid_ticket_number"
