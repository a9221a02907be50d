"""What the confidence features need to know about the whole ranking of one question, and the scope signal."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Optional

import numpy as np

from knowledge.chunking import Chunk, text_units
from knowledge.scope import ScopeModel

# The log-odds of p = 1e-4 and 1 - 1e-4: beyond them a question is as sure as it gets.
SCOPE_BOUND = math.log((1 - 1e-4) / 1e-4)


def scope_log_odds(model: Optional[ScopeModel], vector: np.ndarray) -> Optional[float]:
    """The scope classifier's log-odds that the question is about the plan, bounded (None: no model)."""
    if model is None:
        return None
    return max(-SCOPE_BOUND, min(SCOPE_BOUND, model.log_odds(vector)))


@dataclass(frozen=True)
class QuerySignals:
    """What the confidence features need to know about the whole ranking of one question."""

    dense_first: Optional[str]
    lexical_first: Optional[str]
    best_relevance: Dict[str, float]  # per document family
    query_units: float
    best_sentence: Dict[str, float]  # per document family

    @classmethod
    def of(cls, chunks, dense_ranked, lexical_ranked, relevance, query, best_sentence) -> QuerySignals:  # noqa: ANN001
        def family(row: int) -> str:
            return chunks[row].family

        best: Dict[str, float] = {}
        for row, value in relevance.items():
            best[family(row)] = max(best.get(family(row), -1.0), value)
        return cls(
            family(dense_ranked[0]) if dense_ranked else None,
            family(lexical_ranked[0].row) if lexical_ranked else None,
            best,
            text_units(query),
            best_sentence,
        )

    def features(
        self, chunk: Chunk, lang: str, cosine: float, relevance: float, coverage: float, bm25: float
    ) -> Dict[str, float]:
        family = chunk.family
        others = [value for name, value in self.best_relevance.items() if name != family]
        sentence = self.best_sentence.get(family, relevance)
        other_sentences = [value for name, value in self.best_sentence.items() if name != family]
        return {
            "sentence": sentence,
            "sentence_gap": sentence - max(other_sentences, default=sentence),
            "cosine": cosine,
            "relevance": relevance,
            "relevance_gap": self.best_relevance.get(family, relevance) - max(others, default=0.0),
            "coverage": coverage,
            "bm25": math.log1p(max(0.0, bm25)),
            "dense_first": float(self.dense_first == family),
            "lexical_first": float(self.lexical_first == family),
            "agreement": float(self.dense_first == self.lexical_first == family),
            "query_units": math.log1p(self.query_units),
        }
