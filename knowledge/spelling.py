"""Typing mistakes in questions, put right before the search: "商标侵全", "专利纠份", "counterfiet goods".

Users type on pinyin keyboards and in a hurry. A mistyped term is a word no passage contains, so the lexical
ranking loses it and the embedding drifts. Two careful corrections, towards the knowledge base's own words:

- Chinese: a two- to four-character span that Jieba cannot read as words (it leaves it as single
  characters) but that sounds exactly like a glossary term becomes that term ("侵全" qinquan → "侵权",
  "纠份" jiufen → "纠纷"). A real word is left alone ("知道" is not "指导"), except the few that in this
  field are nearly always the other one (:data:`ZH_CONFUSED`).
- English: a word of seven letters or more that no passage contains in any form (its stem is unknown), one
  edit (insertion, deletion, substitution, swap of neighbours) away from exactly one word of the glossary's
  terms, becomes that word ("mediaton" → "mediation", "counterfiet" → "counterfeit"). Only domain terms
  are targets: "counts" never becomes "courts", "police" never "policy". Of two such words, the one the
  passages use far more is taken ("mediaton" → "mediation", not "mediator").
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache
from typing import Dict, Iterable, List, Optional

from bilingual import CJK_RUN
from knowledge.glossary import chinese_terms, english_terms
from knowledge.lexical import stem as _stem
from knowledge.stop_words import EN_STOP

# Real words that questions about IP protection almost always mean as the other one.
ZH_CONFUSED: Dict[str, str] = {"调节": "调解"}

_EN_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_EN_LENGTH = 7
# Of two terms one edit away, the passages' usual word wins when at least this many times as common.
DOMINANT_SHARE = 3


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text))


@lru_cache(maxsize=1)
def _zh_terms_by_sound() -> Dict[str, str]:
    """Toneless pinyin → glossary term, for the terms no other term sounds like."""
    by_sound: Dict[str, List[str]] = {}
    for term in chinese_terms():
        if 2 <= len(term) <= 4:
            by_sound.setdefault(_pinyin(term), []).append(term)
    return {sound: terms[0] for sound, terms in by_sound.items() if len(terms) == 1}


def forget_terms() -> None:
    """The glossary changed: the sound table is made again from its terms on the next correction."""
    _zh_terms_by_sound.cache_clear()


def correct_chinese(text: str) -> str:
    """Non-words that sound like a glossary term, and the confused real words, replaced by the term."""
    for wrong, right in ZH_CONFUSED.items():
        text = text.replace(wrong, right)
    out: List[str] = []
    position = 0
    for run in CJK_RUN.finditer(text):
        out.append(text[position : run.start()])
        out.append(_correct_run(run.group()))
        position = run.end()
    out.append(text[position:])
    return "".join(out)


def _correct_run(run: str) -> str:
    """Jieba leaves a word it does not know as single characters ("侵全" → 侵 / 全): only such stretches
    are looked at, so real words next to each other ("法院公安") never merge into a false term."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    out: List[str] = []
    singles: List[str] = []
    for token in [*jieba.cut(run, HMM=False), ""]:
        if len(token) == 1:
            singles.append(token)
            continue
        out.append(_correct_singles("".join(singles)))
        singles = []
        out.append(token)
    return "".join(out)


def _correct_singles(stretch: str) -> str:
    by_sound = _zh_terms_by_sound()
    i, out = 0, []
    while i < len(stretch):
        for size in (4, 3, 2):
            span = stretch[i : i + size]
            term = by_sound.get(_pinyin(span)) if len(span) == size else None
            if term:
                out.append(term)
                i += size
                break
        else:
            out.append(stretch[i])
            i += 1
    return "".join(out)


def _one_edit(word: str) -> Iterable[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]  # deletion
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]  # swap of neighbours
            for letter in _LETTERS:
                yield left + letter + right[1:]  # substitution
        for letter in _LETTERS:
            yield left + letter + right  # insertion


class EnglishSpeller:
    """Corrects English words towards the glossary's terms (see the module's docstring)."""

    def __init__(self, passage_words: Iterable[str]) -> None:
        self.counts = Counter(w.lower() for w in passage_words)
        words = set(self.counts)
        terms = {w for term in english_terms() for w in _EN_WORD.findall(term.lower())}
        self.known_words = frozenset(w for w in words | terms if len(w) >= 6)
        self.known_stems = frozenset(_stem(w) for w in words) | frozenset(EN_STOP)
        self.targets = frozenset(w for w in terms if len(w) >= MIN_EN_LENGTH)

    @classmethod
    def of_texts(cls, texts: Iterable[str]) -> EnglishSpeller:
        return cls(w for text in texts for w in _EN_WORD.findall(text))

    def correct_word(self, word: str) -> Optional[str]:
        lowered = word.lower()
        if len(lowered) < MIN_EN_LENGTH or _stem(lowered) in self.known_stems or lowered in self.targets:
            return None
        if any(lowered[:end] in self.known_words for end in range(len(lowered) - 3, len(lowered))):
            return None  # a known word and a suffix ("infringers", "israeli"): a form, not a typing mistake
        # The first letter is rarely the mistyped one, and keeps names apart ("hangzhou" is not "changzhou").
        candidates = {c for c in _one_edit(lowered) if c in self.targets and c[0] == lowered[0]}
        if len(candidates) <= 1:
            return candidates.pop() if candidates else None
        # Two terms one edit away ("mediaton": mediation, mediator): the one the passages use far more.
        ranked = sorted(candidates, key=lambda c: self.counts[c], reverse=True)
        first, second = self.counts[ranked[0]], self.counts[ranked[1]]
        return ranked[0] if first >= DOMINANT_SHARE * max(second, 1) else None

    def correct(self, text: str) -> str:
        return _EN_WORD.sub(lambda m: self.correct_word(m.group()) or m.group(), text)


class Speller:
    """Both corrections, for one knowledge base's passages."""

    def __init__(self, passages: Iterable[str]) -> None:
        self.english = EnglishSpeller.of_texts(passages)

    def correct(self, text: str) -> str:
        return self.english.correct(correct_chinese(text))
