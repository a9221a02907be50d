"""Lexical index: BM25 over character 1–3-grams for Chinese and (lightly stemmed) words for English.

Character n-grams need no word segmentation and measured best on Chinese policy text; English words are
lowercased, stripped of a few suffixes and of stop words. The scores come from ``bm25s``: each term's BM25
weight in each passage is computed once, at build time, into a sparse term × passage matrix (numpy arrays,
no Python object per posting), and a question adds up its terms' columns. The index is rebuilt in memory
from the chunks when an index is loaded, so it can never disagree with them.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

import numpy as np

from bilingual import CJK_RUN
from knowledge.broader_terms import broader_terms
from knowledge.glossary import expand
from knowledge.stop_words import EN_STOP

_WORD = re.compile(r"[a-z0-9]+")
CROSS_WEIGHT = 0.5  # weight of glossary translations in the BM25 score
DF_CACHE_LIMIT = 50_000  # question words whose document frequency is remembered
NORMAL_CACHE_LIMIT = 20_000  # passages whose normalised text is remembered (all of them in a small base)

# Question words and particles that say nothing about the topic, removed from Chinese queries.
ZH_QUESTION_WORDS = re.compile(
    r"请问|请教|你好|您好|怎么办|怎么样|怎么|怎样|如何|什么|哪些|哪里|哪儿|是否|能否|可以吗|可不可以|吗|呢|吧|啊|呀|我们|我的|我|你们|你"
)


def stem(word: str) -> str:
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
    for run in CJK_RUN.findall(lowered):
        for n in (1, 2, 3):
            terms.extend(run[i : i + n] for i in range(len(run) - n + 1))
    latin = CJK_RUN.sub(" ", lowered)
    terms.extend(stem(w) for w in _WORD.findall(latin) if w not in EN_STOP)
    return terms


def _normalised(text: str) -> str:
    """Text for word-containment tests: Chinese as is, English as spaced stems (" report counterfeit ")."""
    lowered = text.lower()
    latin = " ".join(stem(w) for w in _WORD.findall(CJK_RUN.sub(" ", lowered)))
    return " ".join(CJK_RUN.findall(lowered)) + " | " + f" {latin} "


def query_words(text: str) -> List[str]:
    """The content words of a question: Jieba words (2+ characters) for Chinese, stems for English.

    English stems are padded with spaces so that a containment test matches whole words only.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    lowered = ZH_QUESTION_WORDS.sub(" ", text.lower())
    words = []
    for run in CJK_RUN.findall(lowered):
        words.extend(w for w in jieba.cut(run) if len(w) >= 2)
    latin = CJK_RUN.sub(" ", lowered)
    stems = (stem(w) for w in _WORD.findall(latin) if w not in EN_STOP)
    words.extend(f" {s} " for s in stems if s not in EN_STOP)  # "needs" is a stop word once stemmed
    return list(dict.fromkeys(words))


class QueryTerms(NamedTuple):
    """What a question is searched with: its BM25 terms (weighted), and the words its coverage counts."""

    weighted: List[Tuple[float, Counter]]  # (factor, term counts): the question's own, then translations
    own_words: List[str]
    cross_words: List[str]  # glossary translations' words the question does not have itself
    glossary_share: float  # how much of the question the glossary accounts for


def query_terms(query: str) -> QueryTerms:
    """The question's own terms (with broader terms) at full weight, its glossary translations at
    :data:`CROSS_WEIGHT`: translations count for less than the user's own words, and only as whole terms (no
    single characters), so that a passage in the question's language wins when it matches as well."""
    own = Counter(features(" ".join([query, *broader_terms(query)]), query=True))
    translations, glossary_share = expand(query)
    crossed = (
        Counter(
            t for extra in translations for t in features(extra) if not (len(t) == 1 and CJK_RUN.match(t))
        )
        - own
    )
    own_words = query_words(query)
    cross_words = sorted({w for t in translations for w in query_words(t)} - set(own_words))
    return QueryTerms([(1.0, own), (CROSS_WEIGHT, crossed)], own_words, cross_words, glossary_share)


class LexicalHit(NamedTuple):
    row: int
    score: float
    coverage: float


class LexicalIndex:
    """Okapi BM25 over :func:`features`, scored as ``(k1 + 1) ×`` bm25s's Lucene variant (the same IDF,
    ``log(1 + (N − df + 0.5) / (df + 0.5))``; its term-frequency part lacks the constant factor).

    The passages' own texts are kept by reference (no copy) for what BM25 does not give: whether a
    question's whole *word* occurs in a passage (coverage), and how many passages contain it.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.texts: Sequence[str] = ()
        self._vocabulary: Dict[str, int] = {}
        self._scores = np.zeros(0, np.float32)  # BM25 weight of each (term, passage) pair, by term
        self._rows = np.zeros(0, np.int32)  # the passage of each pair
        self._starts = np.zeros(1, np.int64)  # term t's pairs: [starts[t], starts[t + 1])
        self._df_cache: Dict[str, int] = {}
        self._normal_cache: Dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        import bm25s

        index = cls()
        index.texts = texts
        if texts:
            # Terms become ids passage by passage: all passages' term strings at once cost ten times more.
            vocabulary: Dict[str, int] = {}
            ids = [[vocabulary.setdefault(t, len(vocabulary)) for t in features(text)] for text in texts]
            engine = bm25s.BM25(k1=index.k1, b=index.b, method="lucene")
            engine.index((ids, vocabulary), create_empty_token=False, show_progress=False)
            del ids
            index._vocabulary = vocabulary
            index._scores = np.asarray(engine.scores["data"], np.float32)
            index._rows = np.asarray(engine.scores["indices"], np.int32)
            index._starts = np.asarray(engine.scores["indptr"], np.int64)
        return index

    def _postings(self, term: str) -> slice:
        """Where ``term``'s (passage, weight) pairs are; empty for a term no passage has."""
        column = self._vocabulary.get(term)
        if column is None:
            return slice(0, 0)
        return slice(int(self._starts[column]), int(self._starts[column + 1]))

    def _word_df(self, word: str) -> int:
        """How many passages contain ``word`` (a Jieba word, or a spaced English stem), from the index: a
        stem or a Chinese word of up to three characters is a term itself; a longer word can only occur
        where all of its three-character pieces do, and only those passages are read."""
        if word not in self._df_cache:
            if len(self._df_cache) >= DF_CACHE_LIMIT:  # questions are user input: keep the cache bounded
                self._df_cache.clear()
            term = word.strip()
            if word != term or len(term) <= 3:
                postings = self._postings(term)
                df = postings.stop - postings.start
            else:
                candidates = None
                for i in range(len(term) - 2):
                    rows = self._rows[self._postings(term[i : i + 3])]
                    candidates = rows if candidates is None else np.intersect1d(candidates, rows)
                    if not len(candidates):
                        break
                df = sum(term in self.texts[row].lower() for row in candidates.tolist())
            self._df_cache[word] = df
        return self._df_cache[word]

    def _normal(self, row: int) -> str:
        """The passage's :func:`_normalised` text, remembered for the passages that keep coming up."""
        normal = self._normal_cache.get(row)
        if normal is None:
            if len(self._normal_cache) >= NORMAL_CACHE_LIMIT:
                self._normal_cache.clear()
            normal = self._normal_cache[row] = _normalised(self.texts[row])
        return normal

    def _idf_of_word(self, word: str) -> float:
        n, df = len(self.texts), self._word_df(word)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _coverage(self, words: Sequence[str], normal: str) -> float:
        """IDF-weighted share of ``words`` that occur in a passage (its :func:`_normalised` text)."""
        total = found = 0.0
        for word in words:
            idf = self._idf_of_word(word)
            total += idf
            found += idf if word in normal else 0.0
        return found / total if total else 0.0

    def word_share(self, query: str) -> Callable[[str], float]:
        """A scorer of texts: the IDF-weighted share of the question's words (or of their glossary
        translations, for a text in the other language) that a text contains, 0–1."""
        terms = query_terms(query)
        own, cross = terms.own_words, terms.cross_words
        weight = {w: self._idf_of_word(w) for w in own + cross}

        def share(text: str) -> float:
            normal = _normalised(text)
            best = 0.0
            for words in (own, cross):
                total = sum(weight[w] for w in words)
                if total:
                    best = max(best, sum(weight[w] for w in words if w in normal) / total)
            return best

        return share

    def search(self, query: str, k: int) -> List[LexicalHit]:
        """Best rows first (BM25); only rows sharing a term with the query (after glossary expansion).

        Each hit also carries ``coverage`` (0–1): how much of the question the passage speaks to,
        independent of length. It counts the question's *words* (Jieba words for Chinese, stems for
        English) found in the passage, weighted by rarity; cross-language coverage counts the glossary
        translations found, scaled by how much of the question the glossary accounts for.
        """
        if not self.texts or k <= 0:
            return []
        terms = query_terms(query)
        scores = np.zeros(len(self.texts), np.float64)
        for factor, counts in terms.weighted:
            for term, query_count in counts.items():
                postings = self._postings(term)
                rows = self._rows[postings]  # a term's rows are distinct: plain fancy-index addition
                scores[rows] += factor * query_count * self._scores[postings]
        candidates = np.flatnonzero(scores)  # every BM25 weight is positive: the rows sharing a term
        if not len(candidates):
            return []
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = sorted(candidates.tolist(), key=lambda row: (-scores[row], row))
        hits = []
        for row in ranked:
            normal = self._normal(row)
            coverage = max(
                self._coverage(terms.own_words, normal),
                self._coverage(terms.cross_words, normal) * terms.glossary_share,
            )
            hits.append(LexicalHit(row, float(scores[row] * (self.k1 + 1)), coverage))
        return hits
