"""The two embedding engines side by side: ONNX Runtime (what the assistant serves with) and torch.

Each engine runs in a process of its own, so that its resident memory is its own: ms per query (one at a
time, as a search encodes), passages per second (the real index's chunks, as an index build encodes), and
the RSS after both. ``python -m bench.encoders --engine onnx`` prints one engine's figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bench import memory

ENGINES = ("onnx", "torch")


def measure(engine: str, model: str, index_dir: Path, threads: int) -> Dict[str, float]:
    """One engine's figures, in this process."""
    from knowledge.embedding import Embedder
    from knowledge.eval_set import load_questions
    from knowledge.store import IndexStore

    store = IndexStore(index_dir)
    passages = [c.text for c in store.load(store.current_build_id()).chunks]
    questions = [q.text for q in load_questions()][::3][:90]
    embedder = Embedder(model, threads=threads, engine=engine)
    embedder.encode_queries(questions[:2])  # load and warm
    times = []
    for text in questions:
        started = time.perf_counter()
        embedder.encode_queries([text])
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    started = time.perf_counter()
    embedder.encode_passages(passages)
    seconds = time.perf_counter() - started
    return {
        "query_p50_ms": round(statistics.median(times), 1),
        "query_p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "passages_per_s": round(len(passages) / seconds, 1),
        "passages": len(passages),
        "rss_mb": memory.rss_mb([os.getpid()]),
    }


def run(model: str, index_dir: Path, threads: int = 2, log: Callable[[str], None] = print) -> Dict:
    """Both engines, each in a fresh process, and the ratios torch ÷ ONNX."""
    figures: Dict[str, Dict] = {}
    for engine in ENGINES:
        command = [sys.executable, "-m", "bench.encoders", "--engine", engine, "--model", model]
        command += ["--index-dir", str(index_dir), "--threads", str(threads)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        row = figures[engine]
        log(
            f"    {engine:<5} query p50/p95 {row['query_p50_ms']}/{row['query_p95_ms']} ms, "
            f"{row['passages_per_s']} passages/s, RSS {row['rss_mb']:.0f} MB"
        )
    onnx, torch = figures["onnx"], figures["torch"]
    figures["torch_vs_onnx"] = {
        "query_p50": round(torch["query_p50_ms"] / onnx["query_p50_ms"], 2),
        "passages_per_s": round(onnx["passages_per_s"] / torch["passages_per_s"], 2),
        "rss": round(torch["rss_mb"] / onnx["rss_mb"], 2),
    }
    log(f"    torch ÷ ONNX: {figures['torch_vs_onnx']}")
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=ENGINES, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.engine, args.model, args.index_dir, args.threads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
