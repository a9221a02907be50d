"""Decide whether a message is Chinese or English.

Pure functions with no Rasa import, so the rule is easy to test and to reuse. The rule, in order:

1. an explicit request ("English please", "请用中文", "can you speak Chinese?") wins;
2. otherwise the text itself: Chinese characters against Latin words (a Chinese word is about two
   characters, so two CJK characters weigh as much as one English word; a tie goes to Chinese,
   the bureau's main language);
3. otherwise the page language sent as message metadata (``{"language": "en"}`` or ``"en-US"``);
4. otherwise no decision (``None``): the conversation keeps its current language.

``normalize_text`` is applied first: text pasted from a web page or a rich-text box arrives wrapped in
markup (``<p>商标侵权怎么举报？</p>``, ``&nbsp;``), and tag names or attributes are not English words.
The same function gives the NLU pipeline its input (``bot/components/normalizer.py``).
"""

from __future__ import annotations

import html
import re
from typing import Any, Mapping, Optional

from bilingual import CJK_CHARS, EN, LANGUAGES, ZH, text_language

# An assistance ticket's number, as the ticket store makes it (PT-20261127-0042), also typed with spaces
# or right after Chinese text ("工单PT-20261127-0042").
TICKET_NUMBER = re.compile(r"(?<![A-Za-z0-9])PT[-\s]?\d{8}[-\s]?\d{4}(?!\d)", re.IGNORECASE)
# Codes typed in either language carry no language: ticket numbers, e-mail addresses, web addresses.
_CODES = re.compile(
    TICKET_NUMBER.pattern + r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+", re.IGNORECASE
)

# Markup: comments, script/style elements with their content, then any tag (a name right after "<", so
# "a < b" or "<3" stays text). Inline tags join what they wrap ("商<b>标</b>" is 商标); the others separate.
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*/?>")
_INLINE_TAG = re.compile(
    r"a|abbr|b|bdi|bdo|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|u|var|wbr",
    re.IGNORECASE,
)
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")


def _strip_tags(text: str) -> str:
    text = _SCRIPT.sub(" ", _COMMENT.sub(" ", text))
    return _TAG.sub(lambda m: "" if _INLINE_TAG.fullmatch(m.group(1)) else " ", text)


def normalize_text(text: str) -> str:
    """``text`` without HTML tags, comments and entities, zero-width characters and runs of whitespace.

    Entities are decoded after the tags are gone, and tags that the decoding reveals (text escaped twice
    by a rich-text editor) are removed too. Plain text only changes in its whitespace.
    """
    if not text:
        return ""
    if "<" in text or "&" in text:
        text = html.unescape(_strip_tags(text))
        if "<" in text:
            text = _strip_tags(text)
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


# A message that is nothing but an identifier sent by a button (a workstation's
# ``sino-israel-workstation``) is not English; hyphenated words inside a sentence still count.
_IDENTIFIER = re.compile(r"\s*[a-z0-9]+(?:[-_][a-z0-9]+)+\s*")

# Requests to switch language. Checked on lowercased text.
_ASK_EN = re.compile(r"(english|英文|英语|in\s+eng|speak\s+eng|englsih|engilsh)")
_ASK_ZH = re.compile(r"(chinese|mandarin|中文|汉语|普通话|國語|国语|chiense|chinses)")
_REQUEST_WORDS = re.compile(
    r"(please|pls|plz|can you|could you|switch|speak|reply|answer|talk|use|change|in |"
    r"请|用|说|讲|换|切换|回答|回复)"
)
_BARE_NAMES = {"english", "eng", "英文", "英语", "chinese", "中文", "汉语", "普通话"}


def detect_text_language(text: str) -> Optional[str]:
    """Return ``"zh"`` or ``"en"`` from the characters of ``text``, or ``None`` if it has no letters."""
    text = normalize_text(text)
    if _IDENTIFIER.fullmatch(text):
        return None
    return text_language(_CODES.sub(" ", text))


def requested_language(text: str) -> Optional[str]:
    """Return the language the user explicitly asks for, if the message is such a request.

    A mention of a language only counts with a request word ("please", "请", "switch"...) or
    when the message is nothing but the language's name ("English?", "中文"), so that
    "有英文版吗" (is there an English version?) does not switch the conversation.
    """
    lowered = normalize_text(text).lower()
    if not lowered:
        return None
    wants_en = bool(_ASK_EN.search(lowered))
    wants_zh = bool(_ASK_ZH.search(lowered))
    if wants_en == wants_zh:  # neither, or both ("translate Chinese into English")
        return None
    bare = re.sub(f"[^a-z{CJK_CHARS}]", "", lowered)
    if not (bare in _BARE_NAMES or _REQUEST_WORDS.search(lowered)):
        return None
    return EN if wants_en else ZH


def metadata_language(metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
    """Read the page language from message metadata (``language`` or ``lang``, e.g. ``zh-CN``)."""
    if not isinstance(metadata, Mapping):
        return None
    value = metadata.get("language") or metadata.get("lang")
    if not isinstance(value, str):
        return None
    prefix = value.strip().lower()[:2]
    return prefix if prefix in LANGUAGES else None


def detect_language(text: str, metadata: Optional[Mapping[str, Any]] = None) -> Optional[str]:
    """Apply the full rule (explicit request, then text, then page metadata).

    A button payload such as ``/ask_capabilities`` is not language evidence: clicking a Chinese
    button must not switch the conversation to English.
    """
    if (text or "").lstrip().startswith("/"):
        return metadata_language(metadata)
    return requested_language(text) or detect_text_language(text) or metadata_language(metadata)
