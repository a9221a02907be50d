"""The action server stops in the middle of a conversation: a polite reply, then the same conversation goes on."""

from __future__ import annotations

import pytest

from bot.launch.pilot import Servers
from tests.e2e.conftest import say, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.parametrize(
    "language,question,apology,answer",
    [
        ("zh", "商标侵权怎么举报？", "请稍后再试", "根据"),
        ("en", "How do I report a trademark infringement?", "try again", "From"),
    ],
)
def test_a_user_hears_please_try_again_and_later_gets_the_answer(
    servers: Servers, language: str, question: str, apology: str, answer: str
) -> None:
    user = f"actions-down-{language}"
    assert text_of(say(servers, user, "你好" if language == "zh" else "hello"))  # a greeting, no action
    servers.stop_one("actions")
    try:
        reply = text_of(say(servers, user, question))
        assert apology in reply, reply
    finally:
        servers.start_actions()
        servers.wait_healthy(["actions"])
    reply = text_of(say(servers, user, question))
    assert answer in reply, reply
