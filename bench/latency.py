"""Chat latency over the live REST endpoint, with both servers started here on free ports.

Three kinds of message are mixed in every conversation, so that their latencies are measured under the
same load: a plain response (a greeting: NLU and a response template), a custom action that does no
search (the capabilities list), and a knowledge answer (NLU, the action server, query encoding, hybrid
search). Each concurrency level runs that many conversations at once, each sending a bounded number of
messages; traffic goes to localhost only and stops at a time limit.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Sequence, Tuple

from knowledge.eval_set import load_questions

KINDS = ("plain", "action", "knowledge")
PLAIN = ["你好", "hello", "您好", "hi there"]
ACTION = ["你能做什么？", "what can you do?", "你都能帮我做什么", "what are your capabilities"]
CONVERSATION = 9  # messages per conversation: three of each kind, in random order


def post(url: str, sender: str, text: str, timeout: float = 60.0) -> Tuple[float, bool]:
    """(seconds, ok): ok means HTTP 200 with at least one reply."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok = response.status == 200 and bool(json.loads(response.read()))
    except (urllib.error.URLError, OSError, ValueError):
        ok = False
    return time.perf_counter() - started, ok


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summarise(samples: Dict[str, List[float]], errors: Dict[str, int]) -> Dict[str, Dict[str, float]]:
    out: Dict[str, Dict[str, float]] = {}
    for kind in KINDS:
        values = [1000 * s for s in samples[kind]]
        out[kind] = {
            "requests": len(values) + errors[kind],
            "errors": errors[kind],
            "p50_ms": round(statistics.median(values), 1) if values else float("nan"),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    out["ratio"] = {
        "knowledge_vs_action_p50": round(out["knowledge"]["p50_ms"] / out["action"]["p50_ms"], 2),
        "knowledge_vs_plain_p50": round(out["knowledge"]["p50_ms"] / out["plain"]["p50_ms"], 2),
    }
    return out


def run_level(
    url: str, concurrency: int, messages_per_worker: int, time_limit: float, seed: int = 0
) -> Dict[str, Dict[str, float]]:
    """``concurrency`` workers, each holding conversations of ``CONVERSATION`` messages (a new sender
    after each, as real visitors come and go) until it has sent ``messages_per_worker`` messages."""
    questions = [q.text for q in load_questions() if q.in_scope]
    rng = random.Random(seed + concurrency)
    samples: Dict[str, List[float]] = {kind: [] for kind in KINDS}
    errors = {kind: 0 for kind in KINDS}
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def worker(number: int) -> None:
        sent = 0
        while sent < messages_per_worker and time.monotonic() < deadline:
            sender = f"bench-c{concurrency}-{number}-{sent}-{rng.random():.6f}"
            plan = [KINDS[i % len(KINDS)] for i in range(CONVERSATION)]
            random.Random(number * 1000 + sent).shuffle(plan)
            for kind in plan:
                pool = {"plain": PLAIN, "action": ACTION, "knowledge": questions}[kind]
                seconds, ok = post(url, sender, pool[(number * 7 + sent) % len(pool)])
                sent += 1
                with lock:
                    if ok:
                        samples[kind].append(seconds)
                    else:
                        errors[kind] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    result = summarise(samples, errors)
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in samples.values())
    result["throughput"] = {"seconds": round(elapsed, 1), "requests_per_s": round(total / elapsed, 1)}
    return result


def first_answer_ms(url: str) -> float:
    """The very first knowledge answer after start-up (the servers report healthy only once warm)."""
    seconds, ok = post(url, "bench-first", "商标侵权怎么举报？")
    return round(1000 * seconds, 1) if ok else float("nan")


def warm_up(url: str) -> None:
    """First requests load lazy parts (the tracker store, Jieba, the index): not part of the figures."""
    for text in PLAIN[:2] + ACTION[:2] + ["商标侵权怎么举报", "how do I report infringement"]:
        post(url, "bench-warm-up", text)


def run(url: str, levels: Sequence[int] = (1, 8, 32), log=print) -> Dict[str, Dict]:  # noqa: ANN001
    warm_up(url)
    results = {}
    for concurrency in levels:
        per_worker = 90 if concurrency == 1 else max(CONVERSATION, 216 // concurrency)
        result = run_level(url, concurrency, per_worker, time_limit=120.0)
        results[str(concurrency)] = result
        log(
            f"    {concurrency:>2} concurrent: "
            + ", ".join(
                f"{k} p50 {result[k]['p50_ms']:.0f} / p95 {result[k]['p95_ms']:.0f} ms" for k in KINDS
            )
            + f"; errors {sum(result[k]['errors'] for k in KINDS)}"
            + f"; {result['throughput']['requests_per_s']} req/s"
        )
    return results
