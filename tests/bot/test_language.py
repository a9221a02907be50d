"""The language rule: explicit request, then text, then page metadata."""

from __future__ import annotations

import pytest

from bot.components.language import (
    detect_language,
    detect_text_language,
    metadata_language,
    normalize_text,
    requested_language,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好", "zh"),
        ("商标侵权怎么举报", "zh"),
        ("hello", "en"),
        ("how do i report a fake trademark", "en"),
        ("请问 trademark 侵权怎么 report", "zh"),  # Chinese sentence with English terms
        ("How do I report 商标侵权?", "en"),  # English sentence with a Chinese term
        ("asdfgh", "en"),
        ("哈哈哈哈", "zh"),
        ("123456", None),
        ("👍", None),
        ("", None),
        ("?!", None),
        ("PT-20261127-0001", None),  # a ticket number is no language evidence
        ("sino-israel-workstation", None),  # an identifier sent by a button is no language evidence
        ("what about e-commerce platforms", "en"),
        ("anna@example.com", None),
        ("我的邮箱是 anna@example.com", "zh"),
        ("check PT-20261127-0001", "en"),
        ("我的工单PT-20261127-0001进度", "zh"),
        # Markup is not English: tag names, attributes and entities do not count as words.
        ("<p>商标侵权怎么举报？</p>", "zh"),
        ('<p class="msg" style="font-size:14px;font-family:Arial">商标侵权怎么举报？</p>', "zh"),
        ("<div><span>专利</span>&nbsp;&nbsp;纠纷</div>", "zh"),
        ("<div><b>how do I report a fake product</b></div>", "en"),
        ("<br/><br/>", None),
    ],
)
def test_text_language(text: str, expected: str | None) -> None:
    assert detect_text_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("English please", "en"),
        ("english pls", "en"),
        ("English?", "en"),
        ("can you speak Chinese?", "zh"),
        ("请用中文", "zh"),
        ("中文", "zh"),
        ("用英文回答", "en"),
        ("请用英语", "en"),
        # Mentions that are not requests keep the text's own language.
        ("有英文版吗", None),
        ("is there a Chinese version of the trademark law", None),
        ("translate Chinese into English", None),
        ("hello", None),
    ],
)
def test_requested_language(text: str, expected: str | None) -> None:
    assert requested_language(text) == expected


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"language": "en"}, "en"),
        ({"language": "en-US"}, "en"),
        ({"lang": "zh-CN"}, "zh"),
        ({"language": "fr"}, None),
        ({"language": 3}, None),
        ({}, None),
        (None, None),
        ("en", None),
    ],
)
def test_metadata_language(metadata: object, expected: str | None) -> None:
    assert metadata_language(metadata) == expected  # type: ignore[arg-type]


def test_request_beats_text_and_text_beats_metadata() -> None:
    assert detect_language("can you speak Chinese?", {"language": "en"}) == "zh"
    assert detect_language("你好", {"language": "en"}) == "zh"
    assert detect_language("12345", {"language": "en"}) == "en"
    assert detect_language("12345", None) is None


def test_button_payloads_are_not_language_evidence() -> None:
    assert detect_language("/ask_capabilities") is None
    assert detect_language('/open_ticket{"request_type": "mediation"}', {"language": "en"}) == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>商标侵权怎么举报？</p>", "商标侵权怎么举报？"),
        ("<div><b>how do I report a fake product</b></div>", "how do I report a fake product"),
        ("<p class=\"q\" data-x='a>b'>专利纠纷</p>", "专利纠纷"),
        ("商<b>标</b>侵权", "商标侵权"),  # inline tags join what they wrap
        ("<p>line one</p><p>line two</p>", "line one line two"),  # block tags separate
        ("商标&nbsp;侵权&amp;假冒", "商标 侵权&假冒"),
        ("&lt;p&gt;专利纠纷&lt;/p&gt;", "专利纠纷"),  # escaped twice by an editor
        ("<script>alert(1)</script><style>p{}</style>你好<!-- note -->", "你好"),
        ("a < b and 5 > 3", "a < b and 5 > 3"),  # not markup
        ("i <3 you", "i <3 you"),
        ("  多个   空格\n\n换行\u200b ", "多个 空格 换行"),
        ("PT-20261127-0042", "PT-20261127-0042"),
        ("", ""),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_normalize_text_is_fast_on_hostile_markup() -> None:
    import time

    started = time.perf_counter()
    for text in ('<a href="' * 400, "<" * 2000, "<p " * 700, "&" * 2000, "<!--" * 500):
        normalize_text(text)
    assert time.perf_counter() - started < 0.5
