"""A question as the engine reads it: freed of pasted markup, chatter and identifiers, and its language by
the assistant's one rule.

People wrap a question in greetings and thanks ("您好！！请问一下……谢谢🙏", "hi there, quick question: …
thanks!!") and put their own numbers in it (a phone number, a trademark registration number, a patent
number). None of that says what the question is about, and all of it moves the question's embedding and its
n-grams away from the passages that answer it; so the search reads the question without them. Dates and
article numbers stay: "专利法第六十八条" and "2023年的计划" name what is asked about.

Standard library only, so ingestion and the evaluation can use it without loading the search.
"""

from __future__ import annotations

import html
import re
import unicodedata

from bilingual import CJK_CHARS, EN, text_language

_MARKUP = re.compile(r"<[^<>]{0,200}>")

# Greetings and requests for attention before the question, thanks and urgings after it (either language:
# people mix them, "hello，请问一下……").
_OPENING = re.compile(
    r"^(?:(?:您好|你好|你们好|老师好|嗨|哈喽|在吗|在不在|打扰(?:一下|了)?|不好意思|麻烦(?:问|请教)?(?:一)?下?|"
    r"请问(?:一下|下)?|咨询(?:一)?下|想(?:问|咨询|请教)(?:一)?下?|问(?:一)?下|"
    r"hi|hello|hey|dear\s+(?:sir|madam|team|all)|good\s+(?:morning|afternoon|evening)|greetings|"
    r"(?:a\s+)?quick\s+question|excuse\s+me|sorry\s+to\s+bother(?:\s+you)?|(?:i\s+)?(?:have|got)\s+a\s+question)"
    r"(?:\s+there)?(?![A-Za-z])[\s,，.。!！~～:：;；、-]*)+",
    re.IGNORECASE,
)
CLOSING_WITHIN = 60  # characters at the end of a message where thanks and urgings are looked for
_CLOSING = re.compile(
    r"(?:[\s,，.。!！~～]*(?:谢谢(?:您|你|你们|啦|了)?|多谢|感谢|麻烦了|辛苦了|急急急|在线等|拜托了|"
    r"(?<![A-Za-z])(?:thanks?(?:\s+(?:a\s+lot|so\s+much|in\s+advance))?|thx|ty|many\s+thanks|cheers|regards|pls|please|"
    r"thank\s+you(?:\s+(?:very\s+much|so\s+much|in\s+advance))?)))+[\s,，.。!！~～]*$",
    re.IGNORECASE,
)

# A person's or a right's own number: a mobile phone, a registration or patent number (ZL2020 1 0123456.7),
# any run of six or more digits ("第…号" around it too). Not a ticket number's parts (PT-20260415-0077), a
# date (2023-04-26) or an amount (150000元).
_IDENTIFIER = re.compile(
    r"(?:第\s*)?(?<![A-Za-z0-9-])(?!\d{4}[-./]\d{1,2}[-./]\d{1,2}(?!\d))(?:ZL\s*)?\d[\d\s.-]{4,}\d(?!\d)"
    r"(?!\s*(?:元|万|千|百|块|%|％|倍|yuan|rmb|usd|dollar))(?:\s*号)?",
    re.IGNORECASE,
)
_REPEATED_PUNCTUATION = re.compile(r"([!！?？~～.。,，])\1+")
# What is left of a question once its wrapping is gone must still ask something: two characters of CJK or a
# word of English, else the question is read as it came.
_SUBSTANCE = re.compile(rf"[{CJK_CHARS}]{{2}}|[A-Za-z]{{3}}")


def clean_query(text: str) -> str:
    """The question without what a pasted web page wraps around it (tags, entities, runs of spaces) and
    without the chatter and the asker's own numbers around what it asks (see the module's docstring)."""
    text = html.unescape(_MARKUP.sub(" ", text or ""))
    text = re.sub(r"\s+", " ", text).strip()
    return _without_wrapping(text)


def _without_wrapping(text: str) -> str:
    plain = "".join(" " if _is_pictograph(ch) else ch for ch in text)
    plain = _REPEATED_PUNCTUATION.sub(r"\1", plain)
    plain = _IDENTIFIER.sub(" ", plain)
    plain = _OPENING.sub("", plain.strip())
    # Thanks come last and are short: only the tail is searched (from every position of a long message of
    # commas, the search would take quadratic time).
    head, tail = plain[:-CLOSING_WITHIN], plain[-CLOSING_WITHIN:]
    plain = head + _CLOSING.sub("", tail)
    plain = re.sub(r"\s+([,，.。!！?？;；:：、])", r"\1", re.sub(r"\s+", " ", plain)).strip(" ,，、;；:：")
    return plain if _SUBSTANCE.search(plain) else text


def _is_pictograph(ch: str) -> bool:
    """Emoji and other pictographs (a symbol that is not a letter, digit or punctuation), and the
    invisible joiners and variation selectors that build them."""
    return unicodedata.category(ch) == "So" or ch in "\u200d\ufe0f\ufe0e"


def query_language(text: str) -> str:
    """The question's language by the assistant's one rule (:func:`bilingual.text_language`); English when
    it has neither CJK characters nor English words."""
    return text_language(text) or EN
