"""One bot message is one socket.io event (web chat) and one dict (REST): an answer and its citations together."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rasa.core.actions.action import create_bot_utterance

from bot.channels.rest import OneDictPerMessage
from bot.channels.webchat import WebChatOutput

ROOT = Path(__file__).resolve().parents[2]

BUTTONS = [
    {"title": "开一张援助工单", "payload": "/open_ticket"},
    {"title": "问别的问题", "payload": "/ask_something_else"},
]
CITATIONS = {
    "type": "citations",
    "language": "zh",
    "citations": [{"doc_id": "report", "title": "商标侵权举报", "source": "test corpus", "lang": "zh"}],
}
TEXT = "根据《商标侵权举报》：\n\n可以向市场监管部门举报。"  # a blank line: still one bubble


class RecordingSocket:
    """Stands in for python-socketio's AsyncServer: records what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, dict]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))


def bot_message(**response: Any) -> dict:
    """What Rasa hands to ``send_response`` for one response of an action (as the action server sends it)."""
    return create_bot_utterance(dict(response)).message()


def send_to_web_chat(*messages: dict) -> list[tuple[str, Any, dict]]:
    sio = RecordingSocket()
    output = WebChatOutput(sio, "bot_uttered")
    for message in messages:
        asyncio.run(output.send_response("session-1", message))
    return sio.emitted


def send_to_rest(*messages: dict) -> list[dict]:
    collector = OneDictPerMessage()
    for message in messages:
        asyncio.run(collector.send_response("u1", message))
    return collector.messages


def test_an_answer_with_buttons_and_citations_is_one_web_chat_event() -> None:
    emitted = send_to_web_chat(bot_message(text=TEXT, buttons=BUTTONS, custom=CITATIONS))
    assert emitted == [
        (
            "bot_uttered",
            {
                "text": TEXT,
                "quick_replies": [
                    {"content_type": "text", "title": "开一张援助工单", "payload": "/open_ticket"},
                    {"content_type": "text", "title": "问别的问题", "payload": "/ask_something_else"},
                ],
                "custom": CITATIONS,
            },
            {"room": "session-1"},
        )
    ]


def test_text_alone_custom_alone_and_a_ticket_number_with_its_text() -> None:
    ticket = {"type": "ticket", "number": "PT-20260101-0001"}
    emitted = send_to_web_chat(
        bot_message(text=TEXT),
        bot_message(custom={"type": "workstations", "workstations": []}),
        bot_message(text="工单已提交：PT-20260101-0001", custom=ticket),
    )
    assert [data for _, data, _ in emitted] == [
        {"text": TEXT},
        {"custom": {"type": "workstations", "workstations": []}},
        {"text": "工单已提交：PT-20260101-0001", "custom": ticket},
    ]


def test_images_and_attachments_still_reach_the_web_chat() -> None:
    emitted = send_to_web_chat(
        bot_message(text="地图", image="https://example.org/map.png"),
        bot_message(attachment={"type": "file", "payload": {"src": "https://example.org/a.pdf"}}),
    )
    assert [data for _, data, _ in emitted] == [
        {"text": "地图"},
        {"attachment": {"type": "image", "payload": {"src": "https://example.org/map.png"}}},
        {"attachment": {"type": "file", "payload": {"src": "https://example.org/a.pdf"}}},
    ]


def test_an_answer_with_buttons_and_citations_is_one_rest_dict() -> None:
    replies = send_to_rest(bot_message(text=TEXT, buttons=BUTTONS, custom=CITATIONS), bot_message(text=TEXT))
    assert replies == [
        {"recipient_id": "u1", "text": TEXT, "buttons": BUTTONS, "custom": CITATIONS},
        {"recipient_id": "u1", "text": TEXT},  # not split at the blank line
    ]


def test_rest_keeps_a_custom_payload_alone_and_an_image_with_its_text() -> None:
    replies = send_to_rest(
        bot_message(custom={"type": "workstations", "workstations": []}),
        bot_message(text="地图", image="https://example.org/map.png"),
    )
    assert replies == [
        {"recipient_id": "u1", "custom": {"type": "workstations", "workstations": []}},
        {"recipient_id": "u1", "text": "地图", "image": "https://example.org/map.png"},
    ]


def test_action_replies_are_checked_by_one_prebuilt_validator_with_rasas_verdicts() -> None:
    """The REST channel installs the prebuilt validator; valid replies pass and invalid ones fail as in Rasa."""
    import jsonschema
    import pytest
    from rasa.core.actions.action import RemoteAction

    from bot.channels import action_schema

    assert RemoteAction._validate_action_result is action_schema.validate_action_result
    action = RemoteAction("action_answer_from_knowledge", None)
    reply = {
        "events": [{"event": "slot", "name": "knowledge_doc", "value": "report", "timestamp": None}],
        "responses": [{"text": TEXT, "buttons": BUTTONS, "custom": CITATIONS}],
    }
    assert action._validate_action_result(reply)
    assert action_schema.response_validator() is action_schema.response_validator()
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "no_such_event"}], "responses": []})
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": [], "responses": "not a list"})


def test_a_message_not_answered_in_time_is_told_to_try_again(monkeypatch) -> None:
    from bot.channels import rest

    monkeypatch.setattr(rest, "MESSAGE_TIMEOUT_SECONDS", 0.2)
    started = []

    async def waits_on_a_lock(message) -> None:  # noqa: ANN001 - a UserMessage
        started.append(message.text)
        await asyncio.sleep(30)

    messages, status = asyncio.run(rest.process(waits_on_a_lock, "s1", "商标侵权怎么举报？", {}))
    assert started == ["商标侵权怎么举报？"] and status == 503
    assert messages[-1]["recipient_id"] == "s1" and "请稍后再试" in messages[-1]["text"]


def test_the_reverse_proxy_waits_longer_than_a_message_may_take() -> None:
    """nginx must not cut a message off with a bare 504 before the channel answers "try again"."""
    import re

    from bot.channels.rest import MESSAGE_TIMEOUT_SECONDS

    config = (ROOT / "deploy" / "nginx.conf.template").read_text()
    block = config[config.index("location /webhooks/") :]
    block = block[: block.index("}")]
    seconds = float(re.search(r"proxy_read_timeout\s+(\d+)s;", block).group(1))
    assert seconds >= MESSAGE_TIMEOUT_SECONDS + 15
