"""The lexical index side by side: the library BM25 (``bm25s``, what the assistant serves with) and the
hand-written one it replaced (:mod:`bench.handwritten_bm25`), on the same synthetic passages.

Each (index, size) runs in a process of its own, so that the memory it adds is its own: build seconds,
RSS added by the index, and search ms per question (the assistant's candidate depth, coverage included).
The library index's ten best scores are compared with the hand-written one's on the same questions (they
compute the same BM25, so the share of questions where they agree should be 1.0; the synthetic copies of a
passage tie, so rows are not compared). ``python -m bench.lexical --kind library --size 10000`` prints
one measurement as JSON.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from bench import memory

KINDS = ("library", "handwritten")
SIZES = (10_000, 100_000)
CANDIDATES = 50  # knowledge.search.CANDIDATES


def synthetic_texts(index_dir: Path, size: int) -> List[str]:
    """The real passages' lexical texts, copied with a numbered variation (as ``bench.scale`` does)."""
    from knowledge.store import IndexStore

    store = IndexStore(index_dir)
    chunks = store.load(store.current_build_id()).chunks
    n = len(chunks)
    return [f"{chunks[i % n].lexical_text}\n(v{i // n} 版本{i // n})" for i in range(size)]


def measure(kind: str, index_dir: Path, size: int) -> Dict:
    """One index at one size, in this process; ``top`` holds each question's ten best scores."""
    from bench.handwritten_bm25 import HandWrittenBM25
    from knowledge.eval_set import load_questions
    from knowledge.lexical import LexicalIndex

    texts = synthetic_texts(index_dir, size)
    questions = [q.text for q in load_questions()][::4][:60]
    cls = LexicalIndex if kind == "library" else HandWrittenBM25
    cls.build(texts[:50]).search(questions[0], 5)  # imports and Jieba's dictionary, outside the figures
    gc.collect()
    before = memory.rss_mb([os.getpid()])
    started = time.perf_counter()
    index = cls.build(texts)
    build_s = time.perf_counter() - started
    gc.collect()
    added = memory.rss_mb([os.getpid()]) - before
    times, top = [], []
    for question in questions:
        started = time.perf_counter()
        hits = index.search(question, CANDIDATES)
        times.append(1000 * (time.perf_counter() - started))
        top.append([round(hit.score, 3) for hit in hits[:10]])
    return {
        "size": size,
        "build_s": round(build_s, 2),
        "rss_added_mb": round(added, 0),
        "search_p50_ms": round(statistics.median(times), 2),
        "search_p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
        "top": top,
    }


def run(index_dir: Path, sizes: Sequence[int] = SIZES, log: Callable[[str], None] = print) -> Dict:
    """Both indexes at each size, each in a fresh process, and the ratios hand-written ÷ library."""
    results: Dict[str, Dict] = {}
    for size in sizes:
        row: Dict[str, Dict] = {}
        for kind in KINDS:
            command = [sys.executable, "-m", "bench.lexical", "--kind", kind, "--size", str(size)]
            command += ["--index-dir", str(index_dir)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            row[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        library, handwritten = row["library"], row["handwritten"]
        same = [
            len(a) == len(b) and all(abs(x - y) <= 1e-3 * max(1.0, abs(y)) for x, y in zip(a, b, strict=True))
            for a, b in zip(library.pop("top"), handwritten.pop("top"), strict=True)
        ]
        row["same_scores_top10"] = round(sum(same) / max(1, len(same)), 3)
        row["handwritten_vs_library"] = {
            "build": round(handwritten["build_s"] / max(library["build_s"], 0.01), 2),
            "memory": round(handwritten["rss_added_mb"] / max(library["rss_added_mb"], 1.0), 2),
            "search_p50": round(handwritten["search_p50_ms"] / max(library["search_p50_ms"], 0.01), 2),
        }
        for kind in KINDS:
            figures = row[kind]
            log(
                f"    {size:>7,} passages, {kind:<11}: build {figures['build_s']} s, "
                f"+{figures['rss_added_mb']:.0f} MB, search p50/p95 "
                f"{figures['search_p50_ms']}/{figures['search_p95_ms']} ms"
            )
        ratios = row["handwritten_vs_library"]
        log(f"    same ten best scores: {row['same_scores_top10']}; hand-written ÷ library: {ratios}")
        results[str(size)] = row
    return results


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--size", type=int)
    parser.add_argument("--index-dir", type=Path)
    args = parser.parse_args(argv)
    if args.kind is None:  # both, every size, with the default index
        from knowledge.settings import get_settings

        run(args.index_dir or get_settings().index_dir)
        return 0
    print(json.dumps(measure(args.kind, args.index_dir, args.size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
