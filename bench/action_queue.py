"""Does a no-search action wait behind searches? Measured at the action server itself, without Rasa.

Rasa's webhook call is made directly (the same JSON Rasa sends): ``clients`` threads ask knowledge
questions back to back while one client calls a custom action that does no search (the capabilities list)
at a steady pace. Searches run in one thread beside the event loop (``actions/knowledge_answer.py``), so the
no-search action should take about as long as on an idle server; the chat figures at 8 users, which go
through Rasa, show what Rasa's own work adds.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.request
from typing import Dict, List

import yaml

from bench.latency import percentile
from bot.launch.supervisor import ROOT

QUESTIONS = (
    "商标侵权怎么举报？",
    "How do I request mediation?",
    "海外知识产权纠纷怎么应对",
    "trade secret protection point",
)
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))  # as Rasa sends it


def action_request(action: str, text: str, language: str = "zh") -> Dict:
    """What Rasa sends the action server to run ``action`` on ``text``, the first message of a conversation
    the NLU took for a policy question."""
    tracker = {
        "sender_id": "bench",
        "slots": {"language": language},
        "latest_message": {"text": text, "intent": {"name": "ask_policy", "confidence": 0.99}},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {"next_action": action, "sender_id": "bench", "tracker": tracker, "domain": DOMAIN}


def call(webhook: str, action: str, text: str) -> float:
    """Milliseconds for one action call, as Rasa would make it for a fresh conversation."""
    request = urllib.request.Request(
        webhook,
        data=json.dumps(action_request(action, text)).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return 1000 * (time.perf_counter() - started)


def _figures(values: List[float]) -> Dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "requests": len(values),
    }


def _keep_searching(webhook: str, question: str, stop: threading.Event, times: List[float]) -> None:
    while not stop.is_set():
        times.append(call(webhook, "action_answer_from_knowledge", question))


def run(webhook: str, clients: int = 8, calls: int = 60) -> Dict[str, Dict[str, float]]:
    """No-search action latency on an idle server and beside ``clients`` searching clients."""
    results: Dict[str, Dict[str, float]] = {}
    for label, searching in (("idle", 0), (f"{clients} searching", clients)):
        stop = threading.Event()
        searches: List[float] = []

        threads = [
            threading.Thread(target=_keep_searching, args=(webhook, question, stop, searches))
            for question in (QUESTIONS * clients)[:searching]
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.0 if searching else 0.0)
        no_search = []
        for _ in range(calls):
            no_search.append(call(webhook, "action_show_capabilities", "你能做什么"))
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join()
        results[label] = {"no_search": _figures(no_search)}
        if searches:
            results[label]["search"] = _figures(searches)
    return results
