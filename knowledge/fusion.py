"""Reciprocal rank fusion of the dense and the lexical ranking, each weighted by how well it tells passages
apart: a ranking whose best passage does not stand out (dense) or shares few of the question's words
(lexical) counts less, so a question written in other words than the documents is not drowned by BM25
noise, nor an exact term by a vague embedding.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

from knowledge.lexical import LexicalHit

RRF_K = 10  # small k: a first place in either ranking counts clearly more than a fifth
# A ranking whose best passage stands out less than this from the background (dense) or holds less than this
# share of the question's words (lexical) cannot tell passages apart: it counts less in the fusion.
DENSE_DISTINCT = 0.04
LEXICAL_DISTINCT = 0.25
MIN_WEIGHT = 0.25


def fuse(
    dense_ranked: List[int], relevance: Dict[int, float], lexical_ranked: Sequence[LexicalHit]
) -> Dict[int, float]:
    """Each passage row's weighted RRF score over both rankings (rows ranked by either)."""
    top_relevance = relevance[dense_ranked[0]] if dense_ranked else 0.0
    top_coverage = max((hit.coverage for hit in lexical_ranked), default=0.0)
    weights = (
        min(1.0, max(MIN_WEIGHT, top_relevance / DENSE_DISTINCT)),
        min(1.0, max(MIN_WEIGHT, top_coverage / LEXICAL_DISTINCT)),
    )
    fused: Dict[int, float] = {}
    for weight, ranking in zip(weights, (dense_ranked, [hit.row for hit in lexical_ranked]), strict=True):
        for rank, row in enumerate(ranking):
            fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank + 1)
    return fused
