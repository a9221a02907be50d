"""How indexing and search grow with the knowledge base: 1k, 10k and 100k passages.

The passages are synthetic, derived from the real ones: each copies a real passage's text with a
numbered variation (so the lexical index grows with new terms) and its embedding with a little Gaussian
noise, renormalised (so passages stay near their topic, as new documents on the same topics would).
Embedding new passages is the dominant cost of a build; it is measured once, on real passages, and the
build throughput at each size combines that rate with the faiss and lexical index times measured at
that size. Searches run the assistant's real path (:class:`knowledge.search.HybridSearcher`) over the
synthetic build, with an exact (flat) and an HNSW faiss index; HNSW's recall@10 is measured against the
exact index on the same queries, row by row and by the real passage the rows were derived from.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import numpy as np

from bench.latency import percentile
from bench.memory import rss_mb
from knowledge.build_files import Build
from knowledge.dense import DenseIndex
from knowledge.embedding import Embedder
from knowledge.eval_set import load_questions
from knowledge.search import HybridSearcher
from knowledge.store import IndexStore

NOISE = 0.02  # per dimension: a synthetic passage keeps a cosine of about 0.93 with its original
SIZES = (1_000, 10_000, 100_000)


def synthetic(build: Build, size: int, seed: int = 0) -> Build:
    rng = np.random.default_rng(seed)
    n = len(build.chunks)
    chunks = []
    for i in range(size):
        base = build.chunks[i % n]
        copy = i // n
        chunks.append(
            dataclasses.replace(
                base,
                chunk_id=f"{base.chunk_id}~{i}",
                doc_id=f"{base.doc_id}~{copy}",
                doc_key=f"{base.doc_key}~{copy}",
                text=f"{base.text}\n(v{copy} 版本{copy})",
            )
        )
    vectors = build.embeddings[np.arange(size) % n] + rng.normal(0, NOISE, (size, build.embeddings.shape[1]))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    return Build("synthetic", Path("."), {}, chunks, vectors, DenseIndex(vectors.shape[1]))


def embedding_rate(build: Build, embedder: Embedder, sample: int = 192) -> float:
    """Passages per second through the embedding model, on real passages (the dominant build cost)."""
    texts = [c.embed_text for c in build.chunks][:sample]
    embedder.encode_passages(texts[:16])  # warm-up
    started = time.perf_counter()
    embedder.encode_passages(texts)
    return len(texts) / (time.perf_counter() - started)


def timings(values: Sequence[float]) -> Dict[str, float]:
    ms = [1000 * v for v in values]
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2)}


def measure_size(
    real: Build, embedder: Embedder, size: int, queries: List[str], vectors: np.ndarray, rate: float
) -> Dict:
    gc.collect()
    rss_before = rss_mb([os.getpid()])
    build = synthetic(real, size)
    row: Dict = {"chunks": size}
    for kind in ("flat", "hnsw"):
        dense = DenseIndex(build.embeddings.shape[1], kind)
        started = time.perf_counter()
        dense.add(build.embeddings)
        row[f"{kind}_add_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        hits = [dense.search(v, 10) for v in vectors]
        row[f"{kind}_search_ms"] = round(1000 * (time.perf_counter() - started) / len(vectors), 3)
        row[f"_{kind}_hits"] = hits
        row[f"_{kind}_index"] = dense
    exact, approximate = row.pop("_flat_hits"), row.pop("_hnsw_hits")
    overlaps = [
        len({r for r, _ in a} & {r for r, _ in e}) / max(1, len(e))
        for a, e in zip(approximate, exact, strict=True)
    ]
    row["hnsw_recall@10"] = round(float(np.mean(overlaps)), 4)
    # The synthetic copies of one real passage are near-ties, so which copy ranks 10th is noise; what matters
    # to an answer is whether HNSW finds the same real passages as the exact search.
    n = len(real.chunks)
    sources = [
        len({r % n for r, _ in a} & {r % n for r, _ in e}) / max(1, len({r % n for r, _ in e}))
        for a, e in zip(approximate, exact, strict=True)
    ]
    row["hnsw_source_recall@10"] = round(float(np.mean(sources)), 4)
    started = time.perf_counter()
    searcher = HybridSearcher(dataclasses.replace(build, dense=row.pop("_flat_index")), embedder)
    row["lexical_build_s"] = round(time.perf_counter() - started, 2)
    hnsw_index = row.pop("_hnsw_index")
    row["rss_growth_mb"] = round(rss_mb([os.getpid()]) - rss_before, 0)
    embed_s = size / rate
    row["build_chunks_per_s"] = round(size / (embed_s + row["flat_add_s"] + row["lexical_build_s"]), 1)
    row["build_chunks_per_s_hnsw"] = round(size / (embed_s + row["hnsw_add_s"] + row["lexical_build_s"]), 1)
    for kind, index in (("flat", searcher.build.dense), ("hnsw", hnsw_index)):
        searcher.build = dataclasses.replace(searcher.build, dense=index)
        times = []
        for query in queries:
            started = time.perf_counter()
            searcher.search(query)
            times.append(time.perf_counter() - started)
        row[f"query_{kind}"] = timings(times)
    del searcher, build
    gc.collect()
    return row


def run(
    index_dir: Path, model: str, sizes: Sequence[int] = SIZES, log: Callable[[str], None] = print
) -> Dict:
    store = IndexStore(index_dir)
    real = store.load(store.current_build_id())
    embedder = Embedder(model)
    rate = embedding_rate(real, embedder)
    log(f"    embedding: {rate:.1f} passages/s (measured on {min(192, len(real.chunks))} real passages)")
    questions = [q.text for q in load_questions()][::4][:60]
    vectors = embedder.encode_queries([q.text for q in load_questions()][:200])
    rows = []
    for size in sizes:
        started = time.perf_counter()
        row = measure_size(real, embedder, size, questions, vectors, rate)
        rows.append(row)
        log(
            f"    {size:>7} chunks: build {row['build_chunks_per_s']} chunks/s; query p50/p95 flat "
            f"{row['query_flat']['p50_ms']:.0f}/{row['query_flat']['p95_ms']:.0f} ms, hnsw "
            f"{row['query_hnsw']['p50_ms']:.0f}/{row['query_hnsw']['p95_ms']:.0f} ms; hnsw recall@10 "
            f"{row['hnsw_recall@10']} (by source passage {row['hnsw_source_recall@10']}); "
            f"+{row['rss_growth_mb']:.0f} MB ({time.perf_counter() - started:.0f} s)"
        )
    return {"embedding_passages_per_s": round(rate, 1), "real_chunks": len(real.chunks), "sizes": rows}
