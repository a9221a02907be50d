"""Chinese or English? The one set of rules every part of the assistant uses (standard library only).

It is imported by the Rasa components (Python 3.10), by the knowledge engine and the actions (Python 3.11),
and mirrored by the chat page (``bot/web/src/i18n.js``); ``bilingual/cases.json`` holds the cases both
implementations are tested against.

- CJK characters: the unified ideographs, extension A and the compatibility ideographs.
- A question: a question mark, or a question word of either language (``is_question``).
- A text's language: Chinese when its CJK characters weigh at least as much as its English words (two or more
  letters), an English word weighing as two characters (a Chinese word is about two characters long); a tie
  goes to Chinese, the district's first language; None when the text has neither.
"""

from __future__ import annotations

import re
from typing import Optional

ZH = "zh"
EN = "en"
LANGUAGES = (ZH, EN)

CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # for use inside a character class
CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK_PER_WORD = 2  # an English word weighs as much as two CJK characters when deciding the language


def cjk_count(text: str) -> int:
    """How many CJK characters ``text`` has."""
    return len(CJK.findall(text or ""))


def latin_word_count(text: str) -> int:
    """How many English words (two or more Latin letters) ``text`` has."""
    return len(LATIN_WORD.findall(text or ""))


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text or ""))


def text_language(text: str) -> Optional[str]:
    """``"zh"`` or ``"en"`` from the characters of ``text``; None when it has no CJK and no English word."""
    cjk, words = cjk_count(text), latin_word_count(text)
    if cjk == 0 and words == 0:
        return None
    return ZH if cjk / CJK_PER_WORD >= words else EN


# Question marks and question words of both languages ("怎么", "有没有", "how", "do I need"...).
QUESTION = re.compile(
    r"[?？]|怎么|怎样|如何|什么|哪|吗|呢|能否|可否|是否|有没有|可以|请问|咨询|多少|多久|为啥|为什么|啥|咋|"
    r"\b(?:how|what|where|when|who|which|why|can|could|should|is|are|do|does|may)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """The text asks something: a question mark, or a question word of either language."""
    return bool(QUESTION.search(text or ""))
