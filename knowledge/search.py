"""Hybrid search: dense (faiss) and lexical (BM25) rankings fused by reciprocal rank fusion, language-gated.

:class:`KnowledgeBase` is what the action server and the CLI use: it loads the current index lazily, notices
a new build (the ``current`` link moved) before each search and reloads, so staff changes are live without a
restart. Query encoding is CPU work; async callers run :meth:`KnowledgeBase.search` in a thread.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np

from knowledge.chunking import Chunk
from knowledge.embedding import Embedder
from knowledge.errors import IndexUnavailableError
from knowledge.lexical import LexicalIndex, query_words
from knowledge.store import Build, IndexStore, model_fingerprint

logger = logging.getLogger(__name__)

RRF_K = 10  # small k: a first place in either ranking counts clearly more than a fifth
CANDIDATES = 50
MIN_BACKGROUND = 5  # fewer passages than this in a language: use the mean over all passages
BACKGROUND_SAMPLE = 4000  # passages per language used to estimate a query's background similarity
_CJK = re.compile(r"[\u3400-\u9fff]")


def query_language(text: str) -> str:
    """Chinese if the question is mostly Chinese characters, else English."""
    cjk = len(_CJK.findall(text))
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk and cjk / 2 >= words else "en"


@dataclass(frozen=True)
class SearchResult:
    """One retrieved passage with its scores and what a citation needs."""

    chunk: Chunk
    score: float  # fused RRF score (ranking only, not comparable across queries)
    dense_score: float  # cosine similarity of query and passage
    relevance: float  # cosine minus the query's mean cosine over passages of the same language
    lexical_score: float  # BM25 (0 when no shared term)
    coverage: float  # IDF-weighted share of the question's terms found in the passage (0–1)
    confident: bool  # see HybridSearcher.is_confident

    @property
    def citation(self) -> Dict[str, Optional[str]]:
        c = self.chunk
        return {
            "doc_id": c.doc_id,
            "title": c.title,
            "section": c.section or None,
            "source": c.source,
            "source_url": c.source_url,
            "lang": c.lang,
        }

    def to_dict(self) -> Dict:
        return {
            "chunk_id": self.chunk.chunk_id,
            "text": self.chunk.text,
            "score": round(self.score, 6),
            "dense_score": round(self.dense_score, 4),
            "relevance": round(self.relevance, 4),
            "lexical_score": round(self.lexical_score, 4),
            "coverage": round(self.coverage, 4),
            "confident": self.confident,
            "citation": self.citation,
        }


@dataclass
class HybridSearcher:
    """Search over one loaded build.

    Dense similarities of e5-style models sit in a narrow band (0.7–0.95) and are biased towards passages
    in the question's own language, so a raw cosine says little. Each cosine is compared with the query's
    mean cosine over all passages of the same language ("relevance"): a passage that stands out from its
    language's background is relevant, whatever the language. Rankings use relevance; an answer is
    ``confident`` when relevance reaches ``min_margin`` and the cosine reaches ``min_score``.
    """

    build: Build
    embedder: Embedder
    min_score: float = 0.70
    min_margin: float = 0.04
    min_coverage: float = 0.25
    lexical: LexicalIndex = field(init=False)
    _lang_rows: Dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        self.lexical = LexicalIndex.build([c.lexical_text for c in self.build.chunks])
        query_words("预热 warm-up")  # load Jieba's dictionary now, not during the first question
        self._family_rows: Dict[tuple, List[int]] = {}
        for row, chunk in enumerate(self.build.chunks):
            self._family_rows.setdefault((chunk.translation_of or chunk.doc_id, chunk.lang), []).append(row)
        langs = np.array([c.lang for c in self.build.chunks])
        rng = np.random.default_rng(0)
        self._lang_rows = {}
        for lang in set(langs.tolist()):
            rows = np.flatnonzero(langs == lang)
            if len(rows) > BACKGROUND_SAMPLE:
                rows = np.sort(rng.choice(rows, BACKGROUND_SAMPLE, replace=False))
            self._lang_rows[lang] = rows

    def is_confident(self, cosine: float, relevance: float, coverage: float, strictness: float = 1.0) -> bool:
        """A passage answers the question when it stands out clearly from the background, or stands out
        somewhat and shares a good part of the question's words (a second, independent signal).

        ``strictness`` scales both thresholds: callers that already know the question is about IP
        protection (the NLU said so with confidence) may ask for less evidence.
        """
        if cosine < self.min_score:
            return False
        margin, coverage_needed = self.min_margin * strictness, self.min_coverage * strictness
        return relevance >= margin or (relevance >= margin / 4 and coverage >= coverage_needed)

    def _in_language(
        self, result: SearchResult, lang: str, vector: np.ndarray, background: Dict[str, float]
    ) -> SearchResult:
        """The same document in the asker's language, when it exists: its passage closest to the question.

        The judgement (rank, confidence) stays with the document; only the passage shown changes.
        """
        if result.chunk.lang == lang:
            return result
        rows = self._family_rows.get((result.chunk.translation_of or result.chunk.doc_id, lang))
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
        strictness: float = 1.0,
    ) -> List[SearchResult]:
        """Best passages for ``query``: in ``lang`` first when one of them is confident, else any language."""
        query = (query or "").strip()
        if not query or not self.build.chunks:
            return []
        lang = lang if lang in ("zh", "en") else query_language(query)
        vector = self.embedder.encode_queries([query])[0]
        background = self._backgrounds(vector)
        dense_hits = self.build.dense.search(vector, CANDIDATES)
        relevance = {row: cos - background[self.build.chunks[row].lang] for row, cos in dense_hits}
        cosine = dict(dense_hits)
        dense_ranked = sorted(relevance, key=relevance.get, reverse=True)
        lexical_ranked = self.lexical.search(query, CANDIDATES)
        # Weighted RRF: a ranking that cannot tell passages apart (no passage stands out from the
        # background, or no passage shares much of the question's words) counts less.
        top_relevance = relevance[dense_ranked[0]] if dense_ranked else 0.0
        top_coverage = max((hit.coverage for hit in lexical_ranked), default=0.0)
        weights = (
            min(1.0, max(0.25, top_relevance / self.min_margin)),
            min(1.0, max(0.25, top_coverage / self.min_coverage)),
        )
        fused: Dict[int, float] = {}
        for weight, ranking in zip(weights, (dense_ranked, [hit.row for hit in lexical_ranked]), strict=True):
            for rank, row in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank + 1)
        lexical_hits = {hit.row: hit for hit in lexical_ranked}
        results = []
        for row, fused_score in fused.items():
            if row not in cosine:  # found by words only: score it densely too
                cosine[row] = float(self.build.embeddings[row] @ vector)
                relevance[row] = cosine[row] - background[self.build.chunks[row].lang]
            hit = lexical_hits.get(row)
            coverage = hit.coverage if hit else 0.0
            results.append(
                SearchResult(
                    chunk=self.build.chunks[row],
                    score=fused_score,
                    dense_score=cosine[row],
                    relevance=relevance[row],
                    lexical_score=hit.score if hit else 0.0,
                    coverage=coverage,
                    confident=self.is_confident(cosine[row], relevance[row], coverage, strictness),
                )
            )
        results.sort(key=lambda r: r.score, reverse=True)
        if any(r.confident and r.chunk.lang == lang for r in results[: max(k, 5)]):
            # Language gating: a good passage exists in the question's language, so it comes first.
            results.sort(key=lambda r: (r.chunk.lang != lang, -r.score))
        results = [self._in_language(r, lang, vector, background) for r in results]
        if per_document:
            # One result per document family: a Chinese original and its translation count once.
            seen, unique = set(), []
            for result in results:
                family = result.chunk.translation_of or result.chunk.doc_id
                if family not in seen:
                    seen.add(family)
                    unique.append(result)
            results = unique
        return results[:k]


class KnowledgeBase:
    """The live knowledge base of a process: lazy loading, reload on a new build, thread-safe."""

    def __init__(
        self,
        index_dir,  # noqa: ANN001 - str or Path
        embedding_model: str,
        min_score: float = 0.70,
        min_margin: float = 0.04,
        min_coverage: float = 0.25,
        threads: int = 2,
    ) -> None:
        self.store = IndexStore(index_dir)
        self.embedding_model = embedding_model
        self.min_score = min_score
        self.min_margin = min_margin
        self.min_coverage = min_coverage
        self.embedder = Embedder(embedding_model, threads=threads)
        self._searcher: Optional[HybridSearcher] = None
        self._lock = threading.Lock()
        self.reloads = 0

    @classmethod
    def from_settings(cls, settings) -> KnowledgeBase:  # noqa: ANN001 - actions.settings.Settings
        return cls(
            settings.index_dir,
            settings.embedding_model,
            min_score=settings.min_score,
            min_margin=settings.min_margin,
            min_coverage=settings.min_coverage,
            threads=settings.encode_threads,
        )

    def searcher(self) -> HybridSearcher:
        current = self.store.current_build_id()
        if current is None:
            raise IndexUnavailableError(
                f"no knowledge index in {self.store.index_dir}: run 'python -m knowledge rebuild'"
            )
        searcher = self._searcher
        if searcher is not None and searcher.build.build_id == current:
            return searcher
        with self._lock:
            if self._searcher is None or self._searcher.build.build_id != current:
                build = self.store.load(current)
                if build.manifest.get("model_fingerprint") != model_fingerprint(self.embedding_model):
                    raise IndexUnavailableError(
                        f"the knowledge index was built with {build.manifest.get('model')}, not "
                        f"{self.embedding_model}: run 'python -m knowledge rebuild'"
                    )
                self._searcher = HybridSearcher(
                    build, self.embedder, self.min_score, self.min_margin, self.min_coverage
                )
                self.reloads += 1
                logger.info(
                    "knowledge index %s loaded: %d documents, %d chunks",
                    current,
                    build.manifest["counts"]["documents"],
                    build.manifest["counts"]["chunks"],
                )
            return self._searcher

    def search(
        self, query: str, lang: Optional[str] = None, k: int = 3, strictness: float = 1.0
    ) -> List[SearchResult]:
        return self.searcher().search(query, lang=lang, k=k, strictness=strictness)
