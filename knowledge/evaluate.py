"""Retrieval quality on the evaluation set (knowledge/eval/questions.yml), as `make eval` reports it.

For each question the knowledge base is searched in the question's language; a hit is a result from one of
the expected documents (in any language: an English question may be answered by a Chinese document).
Out-of-scope questions (``expect: []``) must get no confident result.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from knowledge.search import KnowledgeBase

EVAL_FILE = Path(__file__).resolve().parent / "eval" / "questions.yml"


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    expect: List[str]

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)


def load_questions(path: Path = EVAL_FILE) -> List[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for number, item in enumerate(data["questions"], 1):
        if item.get("lang") not in ("zh", "en") or not isinstance(item.get("expect"), list):
            raise ValueError(f"{path}: question {number} needs lang zh|en and an expect list")
        questions.append(Question(str(item["q"]), item["lang"], [str(e) for e in item["expect"]]))
    return questions


@dataclass
class Outcome:
    question: Question
    ranked: List[str]  # document ids, best first
    confident: bool  # the best result is confident
    seconds: float

    @property
    def rank(self) -> Optional[int]:
        for position, doc_id in enumerate(self.ranked, 1):
            if doc_id in self.question.expect:
                return position
        return None


def run(base: KnowledgeBase, questions: Sequence[Question], k: int = 3) -> List[Outcome]:
    outcomes = []
    for question in questions:
        started = time.perf_counter()
        results = base.search(question.text, lang=question.lang, k=k)
        outcomes.append(
            Outcome(
                question,
                [r.chunk.doc_id for r in results],
                bool(results and results[0].confident),
                time.perf_counter() - started,
            )
        )
    return outcomes


def summarise(outcomes: Sequence[Outcome]) -> Dict[str, Dict[str, float]]:
    summary: Dict[str, Dict[str, float]] = {}
    for lang in ("zh", "en"):
        scoped = [o for o in outcomes if o.question.lang == lang and o.question.in_scope]
        if not scoped:
            continue
        summary[lang] = {
            "questions": len(scoped),
            "recall@1": sum(o.rank == 1 for o in scoped) / len(scoped),
            "recall@3": sum(o.rank is not None and o.rank <= 3 for o in scoped) / len(scoped),
            "mrr": sum(1 / o.rank for o in scoped if o.rank) / len(scoped),
            "answered": sum(o.confident for o in scoped) / len(scoped),
            "answered_right": sum(o.confident and o.rank == 1 for o in scoped) / len(scoped),
        }
    out = [o for o in outcomes if not o.question.in_scope]
    if out:
        summary["out_of_scope"] = {
            "questions": len(out),
            "rejection": sum(not o.confident for o in out) / len(out),
        }
    times = sorted(o.seconds for o in outcomes)
    summary["latency_ms"] = {
        "p50": 1000 * statistics.median(times),
        "p95": 1000 * times[int(0.95 * (len(times) - 1))],
    }
    return summary


def print_summary(summary: Dict[str, Dict[str, float]]) -> None:
    print(f"{'':<14}{'n':>5}{'R@1':>8}{'R@3':>8}{'MRR':>8}{'answered':>10}{'right@1':>9}")
    for lang in ("zh", "en"):
        if lang in summary:
            s = summary[lang]
            print(
                f"{lang + ' in scope':<14}{s['questions']:>5.0f}{s['recall@1']:>8.3f}{s['recall@3']:>8.3f}"
                f"{s['mrr']:>8.3f}{s['answered']:>10.3f}{s['answered_right']:>9.3f}"
            )
    if "out_of_scope" in summary:
        s = summary["out_of_scope"]
        print(
            f"{'out of scope':<14}{s['questions']:>5.0f}   rejected {s['rejection']:.3f} "
            "(by the search alone; the live run adds the NLU in front of it)"
        )
    print(
        f"search latency p50 {summary['latency_ms']['p50']:.0f} ms, p95 {summary['latency_ms']['p95']:.0f} ms"
    )


_CJK = re.compile(r"[\u4e00-\u9fff]")
# Questions about these documents may be answered from the workstation directory instead (its addresses,
# hours and phones are what "where is the workstation?" asks for).
WORKSTATION_DOCS = {"sino-israel-workstation", "trade-secret-protection"}


def reply_language(text: str) -> str:
    return "zh" if len(_CJK.findall(text)) > len(text) / 4 else "en"


def ask(rasa_url: str, sender: str, text: str) -> List[dict]:
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def judge_live(question: Question, replies: List[dict]) -> Tuple[bool, str]:
    """Passed: in scope, the first citation is an expected document and the reply is in the question's
    language; out of scope, no citation at all."""
    text = "\n".join(r.get("text") or "" for r in replies)
    citations = [c for r in replies for c in (r.get("custom") or {}).get("citations", [])]
    if not question.in_scope:
        return (not citations, "answered an out-of-scope question" if citations else "")
    directory = any((r.get("custom") or {}).get("type") == "workstations" for r in replies)
    if not citations and directory and WORKSTATION_DOCS & set(question.expect):
        return True, ""  # "where is the workstation?" answered from the workstation directory
    if not citations:
        return False, "no answer: " + text.replace("\n", " ")[:40]
    if citations[0]["doc_id"] not in question.expect:
        return False, f"cited {citations[0]['doc_id']}"
    if reply_language(text) != question.lang:
        return False, f"replied in {reply_language(text)}"
    return True, ""


def run_live(rasa_url: str, questions: Sequence[Question], show_failures: bool) -> Dict[str, float]:
    passed = failed = oos_rejected = wrong_language = 0
    for number, question in enumerate(questions):
        ok, why = judge_live(question, ask(rasa_url, f"eval-{number}", question.text))
        oos_rejected += ok and not question.in_scope
        wrong_language += why.startswith("replied in")
        if ok:
            passed += 1
        else:
            failed += 1
            if show_failures:
                expected = question.expect or "fallback"
                print(f"  FAIL [{question.lang}] {question.text!r}: {why} (expect {expected})")
    out_of_scope = sum(not q.in_scope for q in questions)
    return {
        "passed": passed,
        "failed": failed,
        "out_of_scope_rejection": oos_rejected / out_of_scope if out_of_scope else 1.0,
        "replies_in_wrong_language": wrong_language,
    }


def main(argv: Optional[List[str]] = None) -> int:
    from actions.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=EVAL_FILE)
    parser.add_argument("--misses", action="store_true", help="print every question that missed")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--live", action="store_true", help="also ask every question over REST (starts both servers)"
    )
    args = parser.parse_args(argv)
    base = KnowledgeBase.from_settings(get_settings())
    base.searcher()  # load before timing
    outcomes = run(base, load_questions(args.questions))
    summary = summarise(outcomes)
    print_summary(summary)
    if args.misses:
        for o in outcomes:
            wrong = o.rank != 1 if o.question.in_scope else o.confident
            if wrong or (o.question.in_scope and not o.confident):
                print(
                    f"  [{o.question.lang}] {o.question.text!r} expect={o.question.expect} "
                    f"got={o.ranked} confident={o.confident}"
                )
    if args.live:
        from bot.serve import Servers, free_port

        print("asking every question over the REST channel of freshly started servers...")
        with (
            tempfile.TemporaryDirectory() as work,
            Servers(
                rasa_port=free_port(),
                actions_port=free_port(),
                log_dir=Path(work) / "logs",
                tracker_db=Path(work) / "tracker.db",
            ) as servers,
        ):
            live = run_live(servers.rasa_url, load_questions(args.questions), args.misses)
        summary["live"] = live
        print(
            f"live REST: out-of-scope rejection {live['out_of_scope_rejection']:.3f}, "
            f"replies in the wrong language {live['replies_in_wrong_language']}"
        )
        print(f"live REST: {live['passed']} passed, {live['failed']} failed")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
