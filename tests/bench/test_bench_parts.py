"""The benchmark's own arithmetic and plumbing (the figures themselves come from `make bench`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from bench import latency, memory, report, setup_times
from bench.scale import synthetic
from knowledge.build_files import Build
from knowledge.chunking import Chunk
from knowledge.dense import DenseIndex


def test_percentiles_and_ratios_from_samples() -> None:
    samples = {"plain": [0.010] * 19 + [0.100], "action": [0.040] * 20, "knowledge": [0.060] * 20}
    result = latency.summarise(samples, {"plain": 0, "action": 1, "knowledge": 0})
    assert result["plain"]["p50_ms"] == 10.0 and result["plain"]["p99_ms"] == 100.0
    assert result["action"]["requests"] == 21 and result["action"]["errors"] == 1
    assert result["ratio"]["knowledge_vs_action_p50"] == 1.5


def test_memory_of_a_process_tree_is_read_from_proc() -> None:
    assert os.getpid() in memory.tree(os.getpid())
    assert memory.rss_mb([os.getpid()]) > 10


def test_setup_times_come_from_the_step_records(tmp_path: Path) -> None:
    for name, seconds in zip(setup_times.STEPS, (60, 50, 150, 10, 30, 2), strict=True):
        (tmp_path / f"{name}.json").write_text(
            json.dumps({"step": name, "seconds": seconds, "finished": "t"})
        )
    found = setup_times.read(tmp_path)
    assert found["train"]["seconds"] == 150
    assert found["fresh_build_estimate"]["seconds"] == 60 + 150  # venvs side by side, then training


def test_synthetic_passages_stay_near_their_originals() -> None:
    chunks = [
        Chunk(f"zh/d{i}#0", f"zh/d{i}", f"d{i}", "zh", "标题", "", f"正文{i}", "src", None, None)
        for i in range(3)
    ]
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    real = Build("b", Path("."), {}, chunks, vectors, DenseIndex(8))
    big = synthetic(real, 30)
    assert len(big.chunks) == 30 and len({c.chunk_id for c in big.chunks}) == 30
    assert np.allclose(np.linalg.norm(big.embeddings, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(big.embeddings * vectors[np.arange(30) % 3], axis=1)
    assert cosines.min() > 0.9


def test_targets_are_judged_from_the_results() -> None:
    scores = {"recall@3": 0.96}
    results = {
        "retrieval": {"e5-small/hybrid": {"zh": scores, "en": scores, "en→zh-only": {"recall@3": 0.8}}},
        "latency": {
            "1": {"knowledge": {"p50_ms": 80}, "ratio": {"knowledge_vs_action_p50": 1.5}},
            "8": {"knowledge": {"p95_ms": 500}, "action": {"p95_ms": 120}},
        },
        "memory": {"idle": {"rasa": 1100, "actions": 650}, "after_load": {"rasa": 1150, "actions": 720}},
        "lexical": {"100000": {"library": {"rss_added_mb": 420}}},
        "scale": {
            "sizes": [
                {"chunks": 10_000, "query_hnsw": {"p50_ms": 20}},
                {"chunks": 100_000, "query_hnsw": {"p50_ms": 60}},
            ]
        },
    }
    met = {row["what"]: row["met"] for row in report.targets(results)}
    assert met == {
        "recall@3 zh, en": True,
        "recall@3 en→zh-only": False,
        "knowledge p50, 1 user": True,
        "knowledge p95, 8 users": False,
        "knowledge / action p50": True,
        "no-search action p95, 8 users": True,
        "Rasa RSS": True,
        "action server RSS": False,
        "lexical index, 100k passages": True,
        "search p50, 100k passages": False,
    }


@pytest.mark.parametrize("values,q,expected", [([3, 1, 2], 0.5, 2), ([], 0.5, None)])
def test_percentile(values: list, q: float, expected) -> None:
    result = latency.percentile(values, q)
    assert (result != result) if expected is None else result == expected
