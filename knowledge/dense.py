"""Dense vector index: faiss inner product over normalised embeddings (= cosine similarity)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import faiss
import numpy as np

KINDS = ("flat", "hnsw")


class DenseIndex:
    """Exact search (``flat``) by default; ``hnsw`` trades a little recall for speed on large bases."""

    def __init__(self, dimension: int, kind: str = "flat", hnsw_neighbours: int = 32) -> None:
        if kind not in KINDS:
            raise ValueError(f"dense index kind must be one of {KINDS}, not {kind!r}")
        if dimension <= 0:
            raise ValueError("dimension must be positive")
        self.dimension = dimension
        self.kind = kind
        if kind == "flat":
            self.index = faiss.IndexFlatIP(dimension)
        else:
            self.index = faiss.IndexHNSWFlat(dimension, hnsw_neighbours, faiss.METRIC_INNER_PRODUCT)
            self.index.hnsw.efSearch = 64

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"expected vectors of dimension {self.dimension}, got shape {vectors.shape}")
        self.index.add(vectors)

    def search(self, query: np.ndarray, k: int) -> List[Tuple[int, float]]:
        """(row, cosine) pairs, best first."""
        if len(self) == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, rows = self.index.search(query, min(k, len(self)))
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> DenseIndex:
        index = faiss.read_index(str(path))
        dense = cls.__new__(cls)
        dense.dimension = int(index.d)
        dense.kind = kind
        dense.index = index
        return dense
