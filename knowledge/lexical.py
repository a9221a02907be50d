"""Lexical index: BM25 over character 1–3-grams for Chinese and (lightly stemmed) words for English.

Character n-grams need no word segmentation and measured best on Chinese policy text; English words are
lowercased, stripped of a few suffixes and of stop words. The index is rebuilt in memory from the chunks
when an index is loaded (about a second for thousands of chunks), so it can never disagree with them.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

from bilingual import CJK_RUN
from knowledge.broader_terms import broader_terms
from knowledge.glossary import expand
from knowledge.stop_words import EN_STOP

_WORD = re.compile(r"[a-z0-9]+")
CROSS_WEIGHT = 0.5  # weight of glossary translations in the BM25 score
DF_CACHE_LIMIT = 50_000  # question words whose document frequency is remembered

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
    words.extend(f" {stem(w)} " for w in _WORD.findall(latin) if w not in EN_STOP)
    return list(dict.fromkeys(words))


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
        self.texts: List[str] = []  # lowercased, with English words stemmed and spaced: for coverage
        self._df_cache: Dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
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

    def word_share(self, query: str) -> Callable[[str], float]:
        """A scorer of texts: the IDF-weighted share of the question's words (or of their glossary
        translations, for a text in the other language) that a text contains, 0–1."""
        own = query_words(query)
        translations, _ = expand(query)
        cross = sorted({w for t in translations for w in query_words(t)} - set(own))
        n = len(self.texts)
        weight = {
            w: math.log(1 + (n - self._word_df(w) + 0.5) / (self._word_df(w) + 0.5)) for w in own + cross
        }

        def share(text: str) -> float:
            normal = _normalised(text)
            best = 0.0
            for words in (own, cross):
                total = sum(weight[w] for w in words)
                if total:
                    best = max(best, sum(weight[w] for w in words if w in normal) / total)
            return best

        return share

    def _idf(self, term: str) -> float:
        n = len(self.lengths)
        df = len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> List[LexicalHit]:
        """Best rows first (BM25); only rows sharing a term with the query (after glossary expansion).

        Each hit also carries ``coverage`` (0–1): how much of the question the passage speaks to,
        independent of length. It counts the question's *words* (Jieba words for Chinese, stems for
        English) found in the passage, weighted by rarity; cross-language coverage counts the glossary
        translations found, scaled by how much of the question the glossary accounts for.
        """
        if not self.lengths or k <= 0:
            return []
        n = len(self.lengths)
        average = sum(self.lengths) / n or 1.0
        own = Counter(features(" ".join([query, *broader_terms(query)]), query=True))
        translations, glossary_share = expand(query)
        # Translations count for less than the user's own words, and only as whole terms (no single
        # characters), so that a passage in the question's language wins when it matches as well.
        crossed = (
            Counter(
                t for extra in translations for t in features(extra) if not (len(t) == 1 and CJK_RUN.match(t))
            )
            - own
        )
        scores: Dict[int, float] = defaultdict(float)
        for factor, terms in ((1.0, own), (CROSS_WEIGHT, crossed)):
            for term, query_count in terms.items():
                idf = self._idf(term)
                for row, count in self.postings.get(term, ()):
                    norm = count + self.k1 * (1 - self.b + self.b * self.lengths[row] / average)
                    scores[row] += factor * query_count * idf * count * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
        own_words = query_words(query)
        cross_words = sorted({w for t in translations for w in query_words(t)} - set(own_words))
        hits = []
        for row, score in ranked:
            coverage = max(
                self._coverage(own_words, row),
                self._coverage(cross_words, row) * glossary_share,
            )
            hits.append(LexicalHit(row, score, coverage))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:k]
