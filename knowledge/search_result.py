"""One search result: a passage, the scores it was ranked by, and what its citation shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional

from knowledge.chunking import Chunk


@dataclass(frozen=True)
class SearchResult:
    """One retrieved passage with its scores and what a citation needs."""

    chunk: Chunk
    score: float  # fused RRF score (not comparable across queries; results are ranked by probability)
    dense_score: float  # cosine similarity of query and passage
    relevance: float  # cosine minus the query's mean cosine over passages of the same language
    lexical_score: float  # BM25 (0 when no shared term)
    coverage: float  # IDF-weighted share of the question's terms found in the passage (0–1)
    confident: bool  # the probability reaches the model's threshold (a follow-up's: knowledge.answering)
    probability: float = 0.0  # calibrated probability that this passage's document answers the question
    features: Dict[str, float] = field(default_factory=dict, compare=False)  # what the probability used

    @property
    def family(self) -> str:
        """The document family: a Chinese original and its translation are one."""
        return self.chunk.family

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
            "updated": c.updated,  # the document's last change, shown with the source
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
            "probability": round(self.probability, 4),
            "confident": self.confident,
            "citation": self.citation,
        }
