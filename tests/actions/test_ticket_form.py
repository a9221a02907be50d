"""The ticket form's validation, its end (submit, cancel), turn by turn, with real Trackers and a real database."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.ticket_form import ActionAskTicketConfirm, ActionAskWorkstation, ValidateTicketForm
from actions.ticket_submit import ActionCancelTicket, ActionSubmitTicket
from tests.actions.conftest import make_tracker

FORM = "ticket_form"


def turn(domain, slots: Dict[str, Any], requested: str, text: str, intent: str = "inform"):
    """One user turn in the form: Rasa's from_text mapping sets the requested slot to the text."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({**slots, "requested_slot": requested}, text, intent, {requested: text}, FORM)
    events = asyncio.run(ValidateTicketForm().run(dispatcher, tracker, domain))
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return values, dispatcher.messages


def fill(domain, steps: List[tuple], language: str = "zh") -> Dict[str, Any]:
    slots: Dict[str, Any] = {"language": language}
    for requested, text in steps:
        values, messages = turn(domain, slots, requested, text)
        assert values.get(requested) is not None, (requested, text, messages)
        slots.update(values)
    return slots


HAPPY_ZH = [
    ("request_type", "纠纷调解"),
    ("company_name", "上海示例科技有限公司"),
    ("contact_person", "张三"),
    ("contact", "电话是13812345678"),
    ("credit_code", "跳过"),
    ("description", "对方仿冒我们的专利产品在网上销售，希望调解"),
    ("workstation", "好"),
    ("consent", "同意"),
    ("ticket_confirm", "确认"),
]


def submit(domain, slots) -> List[dict]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({**slots, "requested_slot": None}, "确认", "affirm")
    events = asyncio.run(ActionSubmitTicket().run(dispatcher, tracker, domain))
    assert all(e["value"] is None for e in events if e["event"] == "slot")  # the form is reset
    return dispatcher.messages


def test_chinese_happy_path_saves_one_ticket(domain, ticket_store) -> None:
    slots = fill(domain, HAPPY_ZH)
    assert slots["request_type"] == "mediation" and slots["contact_phone"] == "13812345678"
    assert slots["credit_code"] == "-" and slots["workstation"] == "putuo-ip-service"
    [message] = submit(domain, slots)
    assert message["text"].startswith("工单已提交，编号：PT-")
    number = message["custom"]["number"]
    ticket = ticket_store.get(number)
    assert (ticket.company_name, ticket.phone, ticket.language, ticket.status) == (
        "上海示例科技有限公司",
        "13812345678",
        "zh",
        "new",
    )
    assert ticket.credit_code is None and ticket.created_at.tzinfo is not None
    assert [e.kind for e in ticket.events] == ["created"]


def test_english_path_with_email_and_credit_code(domain, ticket_store) -> None:
    steps = [
        ("request_type", "overseas dispute"),
        ("company_name", "Example Trading Ltd"),
        ("contact_person", "Anna Li"),
        ("contact", "you can email me at anna@example.com"),
        ("credit_code", "91350100M000100Y43"),
        ("description", "Our goods were detained by customs in Germany for alleged patent infringement."),
        ("workstation", "yes"),
        ("consent", "I agree"),
        ("ticket_confirm", "yes"),
    ]
    slots = fill(domain, steps, "en")
    assert slots["workstation"] == "sino-israel-workstation"  # foreign-related: the Sino-Israel park
    [message] = submit(domain, slots)
    assert "Ticket number: PT-" in message["text"] and "your e-mail address" in message["text"]
    ticket = ticket_store.get(message["custom"]["number"])
    assert (
        ticket.email == "anna@example.com"
        and ticket.phone is None
        and ticket.credit_code == "91350100M000100Y43"
    )


def test_invalid_values_are_explained_and_counted(domain) -> None:
    slots = {"language": "zh"}
    for attempt in range(1, 4):
        values, messages = turn(domain, slots, "contact", "不告诉你")
        assert values["contact"] is None and values["ticket_failures"]["contact"] == attempt
        assert messages[0]["response"] == "utter_invalid_contact"
        slots.update(values)
    # after the third failure the user hears the way out (talk to staff, or cancel)
    assert any("转人工" in (m.get("text") or "") for m in messages)


def test_an_optional_field_offers_to_skip_after_three_failures(domain) -> None:
    slots = {"language": "en"}
    for _ in range(3):
        values, messages = turn(domain, slots, "credit_code", "12345")
        slots.update(values)
    texts = " ".join(m.get("text") or "" for m in messages)
    assert 'say "skip"' in texts and "talk to staff" in texts
    values, _ = turn(domain, slots, "credit_code", "skip")
    assert values["credit_code"] == "-"


@pytest.mark.parametrize(
    ("requested", "text"),
    [
        ("request_type", "天气"),
        ("company_name", "123"),
        ("description", "太短"),
        ("description", "长" * 2001),
        ("workstation", "火星工作站"),
        ("consent", "再说吧"),
        ("credit_code", "91350100M000100Y44"),
    ],
)
def test_bad_values_are_refused(domain, requested: str, text: str) -> None:
    values, messages = turn(domain, {"language": "zh"}, requested, text)
    assert values[requested] is None
    assert messages and messages[0]["response"] == f"utter_invalid_{requested}"


def test_correction_at_the_summary(domain) -> None:
    slots = fill(domain, HAPPY_ZH[:-1])
    # "change the phone" clears the field so that the form asks for it again, then shows the summary again
    values, _ = turn(domain, slots, "ticket_confirm", "修改电话")
    assert values["contact"] is None and values["ticket_confirm"] is None
    # a new value given together with the request is taken at once
    values, _ = turn(domain, slots, "ticket_confirm", "电话改成13900001111")
    assert values["contact_phone"] == "13900001111" and values["ticket_confirm"] is None
    values, _ = turn(domain, slots, "ticket_confirm", "公司名称写错了")
    assert values["company_name"] is None
    values, messages = turn(domain, slots, "ticket_confirm", "嗯不太对")
    assert values["ticket_confirm"] is None and "要修改哪一项" in messages[0]["text"]


def test_summary_lists_every_field(domain) -> None:
    slots = fill(domain, HAPPY_ZH[:-1])
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskTicketConfirm().run(dispatcher, make_tracker(slots), domain))
    summary = dispatcher.messages[0]["text"]
    for value in (
        "纠纷调解",
        "上海示例科技有限公司",
        "张三",
        "13812345678",
        "（未提供）",
        "普陀区市场监督管理局知识产权服务窗口",
    ):
        assert value in summary


def test_no_consent_no_ticket(domain, ticket_store) -> None:
    slots = fill(domain, HAPPY_ZH[:7])
    values, _ = turn(domain, slots, "consent", "不同意")
    assert values["consent"] is False and values["ticket_confirm"] is False
    slots.update(values)
    [message] = submit(domain, slots)
    assert "未提交" in message["text"]
    assert ticket_store.list() == []


def test_cancel_forgets_everything(domain, ticket_store) -> None:
    slots = fill(domain, HAPPY_ZH[:4])
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCancelTicket().run(dispatcher, make_tracker(slots, "取消", "cancel"), domain))
    assert dispatcher.messages[0]["response"] == "utter_ticket_cancelled"
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {"company_name", "contact", "contact_phone", "request_type"} <= cleared
    assert ticket_store.list() == []


def test_phone_typed_with_the_company_name_is_picked_up(domain) -> None:
    slots = {"language": "zh", "request_type": "mediation"}
    values, _ = turn(domain, slots, "company_name", "上海示例科技有限公司，电话13812345678")
    assert values["company_name"] == "上海示例科技有限公司"
    assert values["contact"] == "13812345678" and values["contact_phone"] == "13812345678"


def test_workstation_is_recommended_and_can_be_changed(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"language": "zh", "request_type": "trade_secret"})
    asyncio.run(ActionAskWorkstation().run(dispatcher, tracker, domain))
    message = dispatcher.messages[0]
    assert "园区商业秘密保护点" in message["text"] and "示例" in message["text"]
    assert message["buttons"][0]["payload"] == "trade-secret-point" and len(message["buttons"]) == 3
    values, _ = turn(
        domain, {"language": "zh", "request_type": "trade_secret"}, "workstation", "sino-israel-workstation"
    )
    assert values["workstation"] == "sino-israel-workstation"


def test_a_database_failure_saves_nothing_and_says_so(domain, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("TICKETS_DATABASE_URL", "mysql://nowhere/db")
    slots = fill(domain, HAPPY_ZH)
    [message] = submit(domain, slots)
    assert "没有提交" in message["text"]


def test_a_ticket_carries_the_conversation_before_the_form_masked(domain, ticket_store) -> None:
    slots = fill(domain, HAPPY_ZH)
    tracker = make_tracker({**slots, "requested_slot": None}, "确认", "affirm")
    tracker.events = [
        {"event": "user", "text": "专利被侵权了能调解吗？我电话13812345678"},
        {"event": "bot", "text": "根据《如何申请知识产权纠纷行政调解》：可以申请行政调解。"},
        {"event": "user", "text": "/open_ticket"},  # a button payload: not something the user wrote
        {"event": "active_loop", "name": "ticket_form"},
        {"event": "user", "text": "上海示例科技有限公司"},  # the form's own turns are in the ticket already
        *tracker.events,
    ]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionSubmitTicket().run(dispatcher, tracker, domain))
    ticket = ticket_store.get(dispatcher.messages[0]["custom"]["number"])
    assert ticket.turns() == [
        {"from": "user", "text": "专利被侵权了能调解吗？我电话138****5678"},
        {"from": "bot", "text": "根据《如何申请知识产权纠纷行政调解》：可以申请行政调解。"},
    ]
