"""Hybrid search over one index build: dense (faiss) and lexical (BM25) rankings fused by reciprocal rank
fusion, language-gated, each passage given the calibrated probability that its document answers.

The live base that loads and reloads builds is :class:`knowledge.base.KnowledgeBase`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np

from knowledge import glossary
from knowledge.answer_types import asks_about_money, asks_about_time, states_money, states_time
from knowledge.build_files import Build
from knowledge.chunking import Chunk
from knowledge.confidence import RIVAL, ConfidenceModel, rivals
from knowledge.embedding import Embedder
from knowledge.faq_match import FaqIndex
from knowledge.fusion import RRF_K, fuse
from knowledge.lexical import LexicalIndex, query_words
from knowledge.queries import clean_query, query_language
from knowledge.question_keys import KeyIndex
from knowledge.scope import ScopeModel
from knowledge.search_result import SearchResult
from knowledge.signals import QuerySignals, scope_log_odds
from knowledge.spelling import Speller
from knowledge.validity import in_force, today

logger = logging.getLogger(__name__)

CANDIDATES = 50
MIN_BACKGROUND = 5  # fewer passages than this in a language: use the mean over all passages
BACKGROUND_SAMPLE = 4000  # passages per language used to estimate a query's background similarity


@dataclass
class HybridSearcher:
    """Search over one loaded build.

    Dense similarities of e5-style models sit in a narrow band (0.7–0.95) and are biased towards passages
    in the question's own language, so a raw cosine says little. Each cosine is compared with the query's
    mean cosine over all passages of the same language ("relevance"): a passage that stands out from its
    language's background is relevant, whatever the language. Rankings use relevance; whether a passage
    answers the question is the calibrated :class:`~knowledge.confidence.ConfidenceModel`'s call: its first
    stage ranks and gates the languages; its second stage, when fitted, judges each document with the most
    probable other one in view (the order stays the first stage's).
    """

    build: Build
    embedder: Embedder
    confidence: ConfidenceModel = field(default_factory=ConfidenceModel.load)
    scope: Optional[ScopeModel] = None  # is the question about what the plan covers (None: neutral)
    on: dt.date = field(default_factory=today)  # documents in force that day answer (validity)
    lexical: LexicalIndex = field(init=False)
    speller: Speller = field(init=False)
    _keys: KeyIndex = field(init=False)
    _lang_rows: Dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        chunks = self.build.chunks
        # The build's glossary (its words become Jieba's) before the lexical index and speller are made.
        glossary.use(self.build.glossary or glossary.load())
        # Passages of documents expired or not yet in force on ``on`` take part in nothing below.
        self.withdrawn = withdrawn_rows(chunks, self.on)
        # FAQ entries are reached by their wordings only, never ranked with documents (knowledge.faq_match).
        self.faq = FaqIndex(
            chunks, self.build.question_keys, self.build.question_vectors, withdrawn=self.withdrawn
        )
        self._unranked = self.faq.rows | self.withdrawn  # rows no ranking, background or key may see
        documents = [row for row in range(len(chunks)) if row not in self._unranked]
        self._lexical_rows = documents  # the lexical index's row i is the build's row documents[i]
        self.lexical = LexicalIndex.build([chunks[row].lexical_text for row in documents])
        self.speller = Speller(c.text for c in chunks if c.lang == "en")
        self._keys = KeyIndex(self.faq.document_keys, self.faq.document_vectors)
        # Document families that state any amount of money (a fee, a fine, "free of charge").
        self._money_families = {chunks[r].family for r in documents if states_money(chunks[r].text)}
        self._time_families = {chunks[r].family for r in documents if states_time(chunks[r].text)}
        query_words("预热 warm-up")  # load Jieba's dictionary now, not during the first question
        self.speller.correct("预热侵全")  # and the pinyin tables
        self._family_rows: Dict[tuple, List[int]] = {}
        for row in documents:
            self._family_rows.setdefault((chunks[row].family, chunks[row].lang), []).append(row)
        langs = np.array([c.lang if r not in self._unranked else "" for r, c in enumerate(chunks)])
        rng = np.random.default_rng(0)
        self._lang_rows = {}
        for lang in set(langs.tolist()) - {""}:
            rows = np.flatnonzero(langs == lang)
            if len(rows) > BACKGROUND_SAMPLE:
                rows = np.sort(rng.choice(rows, BACKGROUND_SAMPLE, replace=False))
            self._lang_rows[lang] = rows
        # Each sentence's document family, for the best sentence-level match of a document.
        self._families = sorted({f for f, _ in self._family_rows})
        number = {family: i for i, family in enumerate(self._families)}
        offsets = self.build.sentence_offsets
        if self.build.sentences is not None and offsets is not None and len(self.build.sentences):
            per_chunk = np.diff(offsets)
            # an FAQ entry's or withdrawn passage's sentences belong to no document: an extra slot, dropped
            owners = [
                len(self._families) if r in self._unranked else number[c.family] for r, c in enumerate(chunks)
            ]
            self._sentence_family = np.repeat(np.array(owners, dtype=np.int64), per_chunk)
            self._sentence_lang = np.repeat(np.array([c.lang for c in self.build.chunks]), per_chunk)
        else:
            self._sentence_family = None

    def _sentence_best(self, vector: np.ndarray, background: Dict[str, float]) -> Dict[str, float]:
        """Per document family, the question's best sentence: its cosine above the question's background
        in the sentence's language (as passages' relevance is), so languages compare fairly."""
        if self._sentence_family is None:
            return {}
        offsets = np.zeros(len(self._sentence_lang), dtype=np.float32)
        for lang, value in background.items():
            offsets[self._sentence_lang == lang] = value
        best = np.full(len(self._families) + 1, -1.0, dtype=np.float32)
        np.maximum.at(best, self._sentence_family, self.build.sentences @ vector - offsets)
        return {family: float(value) for family, value in zip(self._families, best[:-1], strict=True)}

    def states_money(self, family: str) -> bool:
        """Whether a document states any amount of money (a fee, a fine, "free of charge")."""
        return family in self._money_families

    def states_time(self, family: str) -> bool:
        """Whether a document names a time limit, a duration or opening hours."""
        return family in self._time_families

    def family_rows(self, family: str, lang: str) -> List[int]:
        """The passages of one document family in one language, in document order."""
        return self._family_rows.get((family, lang), [])

    def _in_language(
        self, result: SearchResult, lang: str, vector: np.ndarray, background: Dict[str, float]
    ) -> SearchResult:
        """The same document in the asker's language, when it exists: its passage closest to the question.

        The judgement (rank, confidence) stays with the document; only the passage shown changes.
        """
        if result.chunk.lang == lang:
            return result
        rows = self._family_rows.get((result.family, lang))
        if not rows:
            return result
        cosines = self.build.embeddings[rows] @ vector
        best = int(np.argmax(cosines))
        return SearchResult(
            chunk=self.build.chunks[rows[best]],
            score=result.score,
            dense_score=float(cosines[best]),
            relevance=float(cosines[best]) - background.get(lang, 0.0),
            lexical_score=result.lexical_score,
            coverage=result.coverage,
            confident=result.confident,
            probability=result.probability,
            features=result.features,
        )

    def _backgrounds(self, vector: np.ndarray) -> Dict[str, float]:
        """Mean cosine of the query per passage language (over all passages when a language has few)."""
        sums = {
            lang: float(np.sum(self.build.embeddings[rows] @ vector))
            for lang, rows in self._lang_rows.items()
        }
        sizes = {lang: len(rows) for lang, rows in self._lang_rows.items()}
        means = {lang: sums[lang] / sizes[lang] for lang in sums}
        overall = sum(sums.values()) / max(1, sum(sizes.values()))
        return {
            lang: means[lang] if len(rows) >= MIN_BACKGROUND else overall
            for lang, rows in self._lang_rows.items()
        }

    def search(
        self,
        query: str,
        lang: Optional[str] = None,
        k: int = 3,
        per_document: bool = True,
        nlu_policy: Optional[float] = None,
    ) -> List[SearchResult]:
        """Best passages for ``query``: in ``lang`` first when one of them is confident, else any language.

        ``nlu_policy`` is the NLU's confidence that the message is a policy question, when there is an NLU
        in front (the action server); without it the confidence model treats that signal as neutral.
        """
        return self.search_with_vector(query, lang, k, per_document, nlu_policy)[0]

    def search_with_vector(
        self,
        query: str,
        lang: Optional[str] = None,
        k: int = 3,
        per_document: bool = True,
        nlu_policy: Optional[float] = None,
    ) -> Tuple[List[SearchResult], Optional[np.ndarray]]:
        """:meth:`search`, and the query's embedding (for choosing the sentences of an answer)."""
        query = self.speller.correct(clean_query(query))  # "商标侵全" is searched as "商标侵权"
        if not query or not self.build.chunks:
            return [], None
        lang = lang if lang in ("zh", "en") else query_language(query)
        vector = self.embedder.encode_queries([query])[0]
        background = self._backgrounds(vector)
        dense_hits = [
            hit
            for hit in self.build.dense.search(vector, CANDIDATES + len(self.withdrawn))
            if hit[0] not in self._unranked
        ][:CANDIDATES]
        relevance = {row: cos - background[self.build.chunks[row].lang] for row, cos in dense_hits}
        cosine = dict(dense_hits)
        dense_ranked = sorted(relevance, key=relevance.get, reverse=True)
        lexical_ranked = [
            hit._replace(row=self._lexical_rows[hit.row]) for hit in self.lexical.search(query, CANDIDATES)
        ]
        fused = fuse(dense_ranked, relevance, lexical_ranked)
        lexical_hits = {hit.row: hit for hit in lexical_ranked}
        for row in fused:
            if row not in cosine:  # found by words only: score it densely too
                cosine[row] = float(self.build.embeddings[row] @ vector)
                relevance[row] = cosine[row] - background[self.build.chunks[row].lang]
        signals = QuerySignals.of(
            self.build.chunks,
            dense_ranked,
            lexical_ranked,
            relevance,
            query,
            self._sentence_best(vector, background),
        )
        keys = self._keys.match(vector)
        translated = {family for family, passage_lang in self._family_rows if passage_lang == lang}
        asks_money, asks_time = asks_about_money(query), asks_about_time(query)
        scope = scope_log_odds(self.scope, vector)
        results = []
        for row, fused_score in fused.items():
            hit = lexical_hits.get(row)
            features = signals.features(
                self.build.chunks[row],
                lang,
                cosine[row],
                relevance[row],
                hit.coverage if hit else 0.0,
                hit.score if hit else 0.0,
            )
            features["fused"] = fused_score * (RRF_K + 1)  # 1.0: first in one ranking at full weight
            chunk = self.build.chunks[row]
            family = chunk.family
            features["question"] = keys.relevance(family)
            features["question_gap"] = keys.gap(family)
            features["money_unstated"] = float(asks_money and family not in self._money_families)
            features["time_unstated"] = float(asks_time and family not in self._time_families)
            if nlu_policy is not None:
                features["nlu_policy"] = nlu_policy
            if scope is not None:
                features["scope"] = scope
            # Only a passage whose document also exists in the question's language is "the other language".
            features["own_language"] = float(chunk.lang == lang or family not in translated)
            probability = self.confidence.probability(features)
            results.append(
                SearchResult(
                    chunk=self.build.chunks[row],
                    score=fused_score,
                    dense_score=cosine[row],
                    relevance=relevance[row],
                    lexical_score=hit.score if hit else 0.0,
                    coverage=hit.coverage if hit else 0.0,
                    confident=probability >= self.confidence.threshold,
                    probability=probability,
                    features=features,
                )
            )
        # The calibrated probability ranks: it weighs both rankings by what predicted right answers.
        results.sort(key=lambda r: r.probability, reverse=True)
        if any(r.confident and r.chunk.lang == lang for r in results[: max(k, 5)]):
            # Language gating: a good passage exists in the question's language, so it comes first.
            results.sort(key=lambda r: (r.chunk.lang != lang, -r.probability))
        results = [self._in_language(r, lang, vector, background) for r in results]
        entry = self.faq.match(vector, lang)
        if entry is not None:  # staff answered this question: their entry comes first, surely
            chunk = self.build.chunks[entry.row]
            cosine = float(self.build.embeddings[entry.row] @ vector)
            features = {"faq_wording": entry.similarity}
            results.insert(
                0, SearchResult(chunk, 1.0, cosine, cosine, 0.0, 0.0, True, entry.similarity, features)
            )
        if per_document:
            # One result per document family: a Chinese original and its translation count once.
            seen, unique = set(), []
            for result in results:
                if result.family not in seen:
                    seen.add(result.family)
                    unique.append(result)
            results = unique
        return self._judged(results, k), vector

    def _judged(self, results: List[SearchResult], k: int) -> List[SearchResult]:
        """The first ``k`` results, each document given the second stage's probability and decision, judged
        with the first-stage probability of the best other document among all of ``results`` (an FAQ entry
        keeps its own). Only the results returned are judged: a search ranks some fifty passages."""
        second = self.confidence.second
        documents = [i for i, r in enumerate(results) if r.chunk.kind != "faq"]
        if second is None or not documents:
            return results[:k]
        judged = results[:k]
        first_stage = [results[i].probability for i in documents]
        families = [results[i].family for i in documents]
        for i, rival in zip(documents, rivals(first_stage, families), strict=True):
            if i >= k:
                break
            result = results[i]
            features = {**result.features, RIVAL: rival, "first_stage": result.probability}
            probability = second.probability(features)
            judged[i] = dataclasses.replace(
                result, probability=probability, confident=probability >= second.threshold, features=features
            )
        return judged


def withdrawn_rows(chunks: Sequence[Chunk], on: dt.date) -> FrozenSet[int]:
    """Rows of passages whose document is expired or not yet in force on ``on``."""
    return frozenset(row for row, c in enumerate(chunks) if not in_force(c.effective, c.expires, on))
