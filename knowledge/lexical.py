"""Lexical index: BM25 over character 1–3-grams for Chinese and (lightly stemmed) words for English.

Character n-grams need no word segmentation and measured best on Chinese policy text; English words are
lowercased, stripped of a few suffixes and of stop words. The index is rebuilt in memory from the chunks
when an index is loaded (about a second for thousands of chunks), so it can never disagree with them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Dict, List, NamedTuple, Sequence, Tuple

from knowledge import glossary
from knowledge.glossary import expand

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
EN_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "was",
        "be",
        "been",
        "do",
        "does",
        "did",
        "how",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "with",
        "by",
        "from",
        "at",
        "as",
        "about",
        "if",
        "any",
        "some",
        "please",
        "pls",
        "tell",
        "know",
        "want",
        "need",
        "get",
    ]
)
glossary.STOP_WORDS = EN_STOP
CROSS_WEIGHT = 0.5  # weight of glossary translations in the BM25 score

# Question words and particles that say nothing about the topic, removed from Chinese queries.
ZH_QUESTION_WORDS = re.compile(
    r"请问|请教|你好|您好|怎么办|怎么样|怎么|怎样|如何|什么|哪些|哪里|哪儿|是否|能否|可以吗|可不可以|吗|呢|吧|啊|呀|我们|我的|我|你们|你"
)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def features(text: str, query: bool = False) -> List[str]:
    """Terms of a text: Chinese character 1–3-grams and English word stems."""
    lowered = text.lower()
    if query:
        lowered = ZH_QUESTION_WORDS.sub(" ", lowered)
    terms: List[str] = []
    for run in _CJK_RUN.findall(lowered):
        for n in (1, 2, 3):
            terms.extend(run[i : i + n] for i in range(len(run) - n + 1))
    latin = _CJK_RUN.sub(" ", lowered)
    terms.extend(_stem(w) for w in _WORD.findall(latin) if w not in EN_STOP)
    return terms


class LexicalHit(NamedTuple):
    row: int
    score: float
    coverage: float


class LexicalIndex:
    """Okapi BM25 over :func:`features`."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.postings: Dict[str, List[Tuple[int, int]]] = defaultdict(list)
        self.lengths: List[int] = []

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        index = cls()
        for row, text in enumerate(texts):
            counts = Counter(features(text))
            index.lengths.append(sum(counts.values()))
            for term, count in counts.items():
                index.postings[term].append((row, count))
        return index

    def _idf(self, term: str) -> float:
        n = len(self.lengths)
        df = len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> List[LexicalHit]:
        """Best rows first; only rows sharing a term with the query (after glossary expansion).

        Each hit also carries ``coverage`` (0–1): how much of the question the passage speaks to,
        independent of length. Own-language coverage is the IDF-weighted share of the query's terms found
        in the passage; cross-language coverage is the share of the glossary translations found, scaled
        by the share of the query the glossary accounts for (so one translated word is not "everything").
        """
        if not self.lengths or k <= 0:
            return []
        n = len(self.lengths)
        average = sum(self.lengths) / n or 1.0
        own = Counter(features(query, query=True))
        translations, glossary_share = expand(query)
        # Translations count for less than the user's own words, and only as whole terms (no single
        # characters), so that a passage in the question's language wins when it matches as well.
        crossed = (
            Counter(
                t
                for extra in translations
                for t in features(extra)
                if not (len(t) == 1 and _CJK_RUN.match(t))
            )
            - own
        )
        scores: Dict[int, float] = defaultdict(float)
        matched: Dict[int, List[float]] = defaultdict(lambda: [0.0, 0.0])
        totals = [0.0, 0.0]
        for group, terms in enumerate((own, crossed)):
            for term, query_count in terms.items():
                idf = self._idf(term)
                # single Chinese characters help ranking but say little on their own
                weight = 0.0 if (len(term) == 1 and _CJK_RUN.match(term)) else idf
                totals[group] += weight
                factor = 1.0 if group == 0 else CROSS_WEIGHT
                for row, count in self.postings.get(term, ()):
                    norm = count + self.k1 * (1 - self.b + self.b * self.lengths[row] / average)
                    scores[row] += factor * query_count * idf * count * (self.k1 + 1) / norm
                    matched[row][group] += weight
        hits = []
        for row, score in scores.items():
            own_cov = matched[row][0] / totals[0] if totals[0] else 0.0
            cross_cov = matched[row][1] / totals[1] * glossary_share if totals[1] else 0.0
            hits.append(LexicalHit(row, score, max(own_cov, cross_cov)))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:k]
