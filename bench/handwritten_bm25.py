"""The hand-written BM25 the assistant used before ``bm25s``, kept only as the benchmark's baseline.

Postings are Python lists of (passage, count) tuples, and a question word's document frequency is a
substring scan over a normalised copy of every passage: what ``bench.lexical`` compares the library index
with (memory, build time and search time as the base grows). Not used by the assistant.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Dict, List, Sequence, Tuple

from knowledge.lexical import LexicalHit, _normalised, features, query_terms

DF_CACHE_LIMIT = 50_000


class HandWrittenBM25:
    """Okapi BM25 over :func:`features`."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.postings: Dict[str, List[Tuple[int, int]]] = defaultdict(list)
        self.lengths: List[int] = []
        self.texts: List[str] = []  # lowercased, with English words stemmed and spaced: for coverage
        self._df_cache: Dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, texts: Sequence[str]) -> HandWrittenBM25:
        index = cls()
        for row, text in enumerate(texts):
            index.texts.append(_normalised(text))
            counts = Counter(features(text))
            index.lengths.append(sum(counts.values()))
            for term, count in counts.items():
                index.postings[term].append((row, count))
        return index

    def _word_df(self, word: str) -> int:
        if word not in self._df_cache:
            if len(self._df_cache) >= DF_CACHE_LIMIT:  # questions are user input: keep the cache bounded
                self._df_cache.clear()
            self._df_cache[word] = sum(word in text for text in self.texts)
        return self._df_cache[word]

    def _coverage(self, words: Sequence[str], row: int) -> float:
        """IDF-weighted share of ``words`` that occur in the passage."""
        if not words:
            return 0.0
        n = len(self.texts)
        total = found = 0.0
        text = self.texts[row]
        for word in words:
            idf = math.log(1 + (n - self._word_df(word) + 0.5) / (self._word_df(word) + 0.5))
            total += idf
            found += idf if word in text else 0.0
        return found / total if total else 0.0

    def _idf(self, term: str) -> float:
        n = len(self.lengths)
        df = len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> List[LexicalHit]:
        """What :meth:`knowledge.lexical.LexicalIndex.search` gives, from Python postings."""
        if not self.lengths or k <= 0:
            return []
        n = len(self.lengths)
        average = sum(self.lengths) / n or 1.0
        terms = query_terms(query)
        scores: Dict[int, float] = defaultdict(float)
        for factor, counts in terms.weighted:
            for term, query_count in counts.items():
                idf = self._idf(term)
                for row, count in self.postings.get(term, ()):
                    norm = count + self.k1 * (1 - self.b + self.b * self.lengths[row] / average)
                    scores[row] += factor * query_count * idf * count * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
        hits = []
        for row, score in ranked:
            coverage = max(
                self._coverage(terms.own_words, row),
                self._coverage(terms.cross_words, row) * terms.glossary_share,
            )
            hits.append(LexicalHit(row, score, coverage))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:k]
