"""Follow-up questions: does a message lean on the conversation before it?

Users ask in several turns: "商业秘密保护点是什么？" then "那怎么找它帮忙？". A message is a follow-up
candidate when it refers back (那/它/这个/this/that/it/one/they…), is short, or has no topic words of its
own. Only candidates that are not answered confidently on their own are searched again with the previous
question (see :mod:`knowledge.answering`).
"""

from __future__ import annotations

import re

from knowledge.chunking import text_units
from knowledge.lexical import query_words

# Words that only point at something said before: they name nothing a sentence of the answer could contain.
POINTERS_ZH = "它们|它|这个|那个|这些|那些|那里|那儿|这里"
POINTERS_EN = "this|that|these|those|it|its|one|ones|they|them|their|there"
REFERS_BACK_ZH = re.compile(
    r"^(?:那|那么|那个|那些|这个|这些|这|它|它们|其|该|还有|另外|如果|要是|那如果|然后|再问)|"
    rf"{POINTERS_ZH}|上述|该(?:站|点|机构|平台|协议|制度|办法|工作站)|"
    # "我们园区里有吗？": "is there one…" with what there should be left out, as said before
    r"(?:有吗|有没有|有么)[？?。！!\s]*$"
)
REFERS_BACK_EN = re.compile(
    r"^(?:and|so|then|also|what about|how about|plus)\b|"
    rf"\b(?:{POINTERS_EN}|such|the same|the agreement|the point)\b",
    re.IGNORECASE,
)
_POINTERS = re.compile(rf"{POINTERS_ZH}|\b(?:{POINTERS_EN})\b", re.IGNORECASE)
# Chinese words that ask without naming anything ("有没有人能指导一下"): not the message's own topic.
_ASKING_ZH = re.compile(r"有没有|有无|能不能|可不可以|会不会|是不是|要不要|一下")
SHORT_UNITS = 9  # a question of fewer content units rarely names its topic in full
# A message of at most this many content units names almost nothing itself ("需要带什么", "how do we apply?")
TOPIC_POOR_UNITS = 4
# "专利的呢？", "员工泄密了呢": a short message ending in 呢 asks "and what about…", after something said
ENDS_WITH_NE = re.compile(r"呢[？?。！!\s]*$")


def refers_back(text: str) -> bool:
    """The message points at something said before (那/它/这个/this/that/it/one/they…)."""
    return bool(REFERS_BACK_ZH.search(text) or REFERS_BACK_EN.search(text))


def without_pointers(text: str) -> str:
    """The message without the words that point back ("How can my company get help from one?" → "…from
    ?"): what is left are the words the message itself asks about."""
    return re.sub(r"\s+", " ", _POINTERS.sub(" ", text)).strip()


def topic_units(text: str) -> float:
    """How much the message names itself: its content words' length, asking words left out."""
    words = query_words(_ASKING_ZH.sub(" ", text))
    return text_units(" ".join(w.strip() for w in words))


def is_follow_up_candidate(text: str) -> bool:
    """The message may depend on the previous question: it refers back, is short, or names no topic."""
    text = text.strip()
    if not text:
        return False
    return refers_back(text) or topic_units(text) < SHORT_UNITS


def leans_on_context(text: str) -> bool:
    """The message cannot be meant alone: it refers back, names almost nothing itself ("需要带什么",
    "how do we apply?"), or is short and asks "and what about…" ("专利的呢？")."""
    text = text.strip()
    if refers_back(text):
        return True
    units = topic_units(text)
    return units <= TOPIC_POOR_UNITS or (units < SHORT_UNITS and bool(ENDS_WITH_NE.search(text)))


def with_context(previous_question: str, text: str, limit: int = 200) -> str:
    """The follow-up read together with the question before it (which may itself carry its context)."""
    previous = previous_question.strip()[-limit:]
    return f"{previous} {text.strip()}" if previous else text.strip()
