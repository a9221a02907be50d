"""A question as the engine reads it: freed of pasted markup, and its language by the assistant's one rule.

Standard library only, so ingestion and the evaluation can use it without loading the search.
"""

from __future__ import annotations

import html
import re

from bilingual import EN, text_language

_MARKUP = re.compile(r"<[^<>]{0,200}>")


def clean_query(text: str) -> str:
    """The question without what a pasted web page wraps around it: tags, entities, runs of spaces."""
    text = html.unescape(_MARKUP.sub(" ", text or ""))
    return re.sub(r"\s+", " ", text).strip()


def query_language(text: str) -> str:
    """The question's language by the assistant's one rule (:func:`bilingual.text_language`); English when
    it has neither CJK characters nor English words."""
    return text_language(text) or EN
