"""Both servers started for real on free ports; Chinese and English messages over REST."""

from __future__ import annotations

import pytest

from bot.launch.pilot import Servers
from tests.e2e.conftest import CJK, is_chinese, say, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_chinese_greeting(servers: Servers) -> None:
    reply = text_of(say(servers, "zh-user", "你好"))
    assert is_chinese(reply) and "知识产权" in reply


def test_english_greeting(servers: Servers) -> None:
    reply = text_of(say(servers, "en-user", "hello"))
    assert reply.startswith("Hello") and not CJK.search(reply)


def test_capabilities_in_english_come_from_the_action_server(servers: Servers) -> None:
    reply = text_of(say(servers, "en-caps", "what can you do?"))
    assert reply.startswith("I am the assistant")  # built by action_show_capabilities
    assert "Sino-Israel (Shanghai) Innovation Park" in reply


def test_capabilities_in_chinese(servers: Servers) -> None:
    reply = text_of(say(servers, "zh-caps", "你能做什么"))
    assert reply.startswith("我是普陀区市场监管局") and "中以（上海）创新园" in reply


def test_gibberish_gets_a_polite_fallback_in_the_users_language(servers: Servers) -> None:
    english = text_of(say(servers, "en-junk", "xqzv blorft wug"))
    assert "Sorry" in english and not CJK.search(english)
    chinese = text_of(say(servers, "zh-junk", "阿斯顿发送到发"))
    assert is_chinese(chinese) and "抱歉" in chinese


def test_language_switch_persists_for_the_conversation(servers: Servers) -> None:
    say(servers, "switcher", "你好")
    assert text_of(say(servers, "switcher", "English please")).startswith("Sure")
    # A button payload carries no language: the conversation stays in English.
    assert text_of(say(servers, "switcher", "/ask_capabilities")).startswith("I am the assistant")
    assert is_chinese(text_of(say(servers, "switcher", "请用中文")))


def test_page_metadata_decides_when_the_text_does_not(servers: Servers) -> None:
    # Digits carry no language; the page says English.
    reply = text_of(say(servers, "meta-user", "12345", metadata={"language": "en"}))
    assert reply and not CJK.search(reply)
    reply = text_of(say(servers, "meta-user-zh", "12345", metadata={"language": "zh-CN"}))
    assert is_chinese(reply)
