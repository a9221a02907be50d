"""Malformed and hostile input over live REST: a polite answer every time, never a 5xx or a crash."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request

import pytest

from bot.launch.pilot import Servers
from tests.e2e.conftest import say, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def raw_post(servers: Servers, body: bytes, content_type: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(
        f"{servers.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"{",
        b"[1, 2, 3]",
        b'"just a string"',
        b"{}",
        json.dumps({"sender": 42, "message": "hi"}).encode(),
        json.dumps({"sender": "u", "message": {"text": "hi"}}).encode(),
        json.dumps({"sender": "u", "message": None}).encode(),
        json.dumps({"sender": "u", "message": "hi", "metadata": "not an object"}).encode(),
        json.dumps({"sender": "x" * 500, "message": "hi"}).encode(),
    ],
)
def test_malformed_requests_get_a_clear_400(servers: Servers, body: bytes) -> None:
    status, text = raw_post(servers, body)
    assert status == 400, text
    assert "JSON" in text and "sender" in text


def test_empty_and_oversized_messages_get_a_polite_reply(servers: Servers) -> None:
    assert "请输入" in text_of(say(servers, "hostile-empty", "   "))
    long_zh = "侵权" * 50_000  # 100 kB
    assert "太长" in text_of(say(servers, "hostile-long", long_zh))
    assert "too long" in text_of(say(servers, "hostile-long-en", "word " * 20_000))


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\x1b[31m商标\x7f侵权怎么举报",
        "😀😀😀 👍",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "'; DROP TABLE tickets; --",
        "1 OR 1=1; SELECT * FROM events",
        "{{7*7}} ${jndi:ldap://x}",
        "/restart",
        '/open_ticket{"company_name": "<b>x</b>"}',
        "\u202e\u200b\u2066",
    ],
)
def test_hostile_text_gets_an_answer(servers: Servers, text: str) -> None:
    replies = say(servers, f"hostile-{abs(hash(text))}", text)
    assert replies and all(isinstance(r.get("text", ""), str) for r in replies)


def test_sql_looking_text_in_every_ticket_field_is_stored_as_text(servers: Servers) -> None:
    user = "hostile-ticket"
    injection = "'); DROP TABLE tickets; --"
    steps = [
        ("我想开个工单", "哪类事项"),
        ("纠纷调解", "企业"),
        (f"上海{injection}有限公司", "联系人"),
        (f"李{injection}", "联系电话"),
        ("13700001234", "统一社会信用代码"),
        ("跳过", "描述"),
        (f"描述里有 SQL：{injection} SELECT * FROM tickets WHERE 1=1", "建议由"),
        ("好", "同意吗"),
        ("同意", "请核对工单信息"),
    ]
    for message, expected in steps:
        reply = text_of(say(servers, user, message))
        if expected not in reply:  # a validator may refuse the odd value: it must say so politely
            assert reply, message
            return
    saved = text_of(say(servers, user, "确认"))
    assert "工单已提交" in saved
    # the table is still there and other tickets can be saved
    assert "哪类事项" in text_of(say(servers, "hostile-ticket-2", "我想开个工单"))


def test_a_thousand_random_messages_get_answers_and_no_5xx(servers: Servers) -> None:
    rng = random.Random(20261127)
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 ,.?!;:'\"<>/\\{}[]()@#$%^&*_+=-|~`"
        "商标专利侵权举报调解海外纠纷工作站企业你好请问怎么办的了吗是"
        "😀🙏🔥\u200b\t\n"
    )
    statuses: dict[int, int] = {}
    for number in range(1000):
        length = rng.choice([1, 3, 8, 20, 60, 200])
        text = "".join(rng.choice(alphabet) for _ in range(length))
        status, _ = raw_post(
            servers, json.dumps({"sender": f"random-{number % 200}", "message": text}).encode()
        )
        statuses[status] = statuses.get(status, 0) + 1
    assert not any(code >= 500 for code in statuses), statuses
    assert statuses.get(200, 0) >= 990, statuses


def test_too_many_messages_from_one_sender_are_slowed_down(servers: Servers) -> None:
    codes = []
    for _ in range(35):
        status, body = raw_post(servers, json.dumps({"sender": "hostile-flood", "message": "你好"}).encode())
        codes.append(status)
    assert 429 in codes and codes[0] == 200
    assert "太快" in json.loads(body)[0]["text"]
