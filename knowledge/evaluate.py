"""Answer quality on the evaluation set, as `make eval` reports it: the tuning and held-out parts apart.

Offline, each conversation goes through the same answering as the action server (search, follow-ups read
with the previous question, the calibrated confidence). A turn is right when an in-scope question is
answered confidently from one of its expected documents (any language), and when an out-of-scope question
gets no confident answer. ``--live`` then asks every conversation over the REST channel of freshly started
servers, where the NLU and the dialogue come in front, and also checks the reply's language.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Callable, Dict, List, Optional, Sequence, Tuple

from knowledge import eval_set
from knowledge.eval_nlu import declined_by_nlu, nlu_verdicts, policy_scores
from knowledge.eval_set import Conversation, Question
from knowledge.search import KnowledgeBase, query_language

# Questions about these documents may be answered from the workstation directory instead (its addresses,
# hours and phones are what "where is the workstation?" asks for).
WORKSTATION_DOCS = {"sino-israel-workstation", "trade-secret-protection"}


@dataclass
class Outcome:
    question: Question
    ranked: List[str]  # document families, best first
    confident: bool  # answered (the best result is confident)
    seconds: float = 0.0
    why: str = ""  # live: why a turn failed

    @property
    def rank(self) -> Optional[int]:
        for position, doc_id in enumerate(self.ranked, 1):
            if doc_id in self.question.expect:
                return position
        return None

    @property
    def right(self) -> bool:
        if self.question.in_scope:
            return self.confident and self.rank == 1
        return not self.confident


def run(
    base: KnowledgeBase,
    conversations: Sequence[Conversation],
    k: int = 3,
    nlu: Optional[Dict[str, float]] = None,
    declined: AbstractSet[str] = frozenset(),
) -> List[Outcome]:
    """Every turn answered offline, each conversation carrying its context from turn to turn; ``nlu`` gives
    the NLU's confidence that a message is a policy question, ``declined`` the messages it takes for out of
    scope, which are declined unsearched (see :mod:`knowledge.eval_nlu`)."""
    outcomes = []
    for conversation in conversations:
        context = None
        for question in conversation.turns:
            if question.text in declined:
                outcomes.append(Outcome(question, [], False))
                continue
            started = time.perf_counter()
            answer = base.answer(question.text, question.lang, context, k, (nlu or {}).get(question.text))
            seconds = time.perf_counter() - started
            outcomes.append(Outcome(question, [r.family for r in answer.results], answer.confident, seconds))
            context = answer.context or context
    return outcomes


def _rate(outcomes: Sequence[Outcome], keep: Callable[[Outcome], bool]) -> Dict[str, float]:
    chosen = [o for o in outcomes if keep(o)]
    return {"n": len(chosen), "right": sum(o.right for o in chosen) / len(chosen) if chosen else float("nan")}


def summarise(outcomes: Sequence[Outcome]) -> Dict[str, Dict[str, float]]:
    """Figures of one part: retrieval and answers per language, refusals, follow-up turns."""
    summary: Dict[str, Dict[str, float]] = {}
    for lang in eval_set.LANGUAGES:
        scoped = [
            o
            for o in outcomes
            if o.question.lang == lang and o.question.in_scope and not o.question.follow_up
        ]
        if scoped:
            summary[lang] = {
                "n": len(scoped),
                "recall@1": sum(o.rank == 1 for o in scoped) / len(scoped),
                "recall@3": sum(o.rank is not None and o.rank <= 3 for o in scoped) / len(scoped),
                "mrr": sum(1 / o.rank for o in scoped if o.rank) / len(scoped),
                "right": sum(o.right for o in scoped) / len(scoped),
            }
    single = [o for o in outcomes if not o.question.follow_up]
    summary["in_scope"] = _rate(single, lambda o: o.question.in_scope)
    summary["near_scope_refused"] = _rate(single, lambda o: o.question.near_scope)
    summary["out_of_scope_refused"] = _rate(single, lambda o: not o.question.in_scope)
    summary["follow_ups"] = _rate(outcomes, lambda o: o.question.follow_up)
    summary["all"] = _rate(outcomes, lambda o: True)
    times = sorted(o.seconds for o in outcomes) or [0.0]
    summary["latency_ms"] = {
        "p50": 1000 * statistics.median(times),
        "p95": 1000 * times[int(0.95 * (len(times) - 1))],
    }
    return summary


ROWS = (
    ("in_scope", "in scope, right document"),
    ("near_scope_refused", "near-scope out of scope, refused"),
    ("out_of_scope_refused", "all out of scope, refused"),
    ("follow_ups", "follow-up turns right"),
    ("all", "every turn right"),
)


def print_summary(part: str, summary: Dict[str, Dict[str, float]], how: str) -> None:
    print(f"--- {part} part, {how} ---")
    if how == "offline":
        print(f"  {'':<10}{'n':>5}{'R@1':>8}{'R@3':>8}{'MRR':>8}{'right':>8}")
        for lang in eval_set.LANGUAGES:
            if lang in summary:
                s = summary[lang]
                print(
                    f"  {lang + ' single':<10}{s['n']:>5.0f}{s['recall@1']:>8.3f}{s['recall@3']:>8.3f}"
                    f"{s['mrr']:>8.3f}{s['right']:>8.3f}"
                )
    for key, label in ROWS:
        if key in summary and summary[key]["n"]:
            print(f"  {label:<36}{summary[key]['right']:>7.3f}  (n={summary[key]['n']:.0f})")
    if "latency_ms" in summary:
        print(
            f"  per turn p50 {summary['latency_ms']['p50']:.0f} ms, p95 {summary['latency_ms']['p95']:.0f} ms"
        )


def print_misses(outcomes: Sequence[Outcome]) -> None:
    """The tuning part's wrong turns. The held-out part's are never printed: read, they would be tuned on."""
    hidden = sum(1 for o in outcomes if o.question.part != "tuning" and not o.right)
    if hidden:
        print(f"  ({hidden} held-out misses not shown: that part is measured, never looked into)")
    for o in outcomes:
        if o.question.part == "tuning" and not o.right:
            turn = f" turn {o.question.turn + 1}" if o.question.follow_up else ""
            expected = list(o.question.expect) or "refusal"
            print(
                f"  MISS [{o.question.part} {o.question.lang}{turn}] {o.question.text!r}: expect {expected}, "
                f"got {o.ranked[:3]} answered={o.confident} {o.why}"
            )


# --- live, over REST -----------------------------------------------------------------------------------
def ask(rasa_url: str, sender: str, text: str) -> List[dict]:
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def judge_live(question: Question, replies: List[dict]) -> Tuple[bool, str, List[str]]:
    """(passed, why not, cited documents). In scope: the first citation is an expected document and the
    reply is in the question's language; out of scope: no citation at all."""
    text = "\n".join(r.get("text") or "" for r in replies)
    citations = [c for r in replies for c in (r.get("custom") or {}).get("citations", [])]
    cited = [c["doc_id"] for c in citations]
    if not question.in_scope:
        return (not citations, "answered an out-of-scope question" if citations else "", cited)
    directory = any((r.get("custom") or {}).get("type") == "workstations" for r in replies)
    if not citations and directory and WORKSTATION_DOCS & set(question.expect):
        return True, "", cited  # "where is the workstation?" answered from the workstation directory
    if not citations:
        return False, "no answer: " + text.replace("\n", " ")[:40], cited
    if citations[0]["doc_id"] not in question.expect:
        return False, f"cited {citations[0]['doc_id']}", cited
    if query_language(text) != question.lang:
        return False, f"replied in {query_language(text)}", cited
    return True, "", cited


def run_live(rasa_url: str, conversations: Sequence[Conversation]) -> List[Outcome]:
    outcomes = []
    for number, conversation in enumerate(conversations):
        sender = f"eval-{time.time_ns()}-{number}"
        for question in conversation.turns:
            started = time.perf_counter()
            replies = ask(rasa_url, sender, question.text)
            seconds = time.perf_counter() - started
            passed, why, cited = judge_live(question, replies)
            # Recorded so that Outcome.right says what the judge said.
            answered = bool(cited) if not question.in_scope else passed
            ranked = list(question.expect[:1]) if passed and question.in_scope else cited
            outcomes.append(Outcome(question, ranked, answered, seconds, why))
    return outcomes


def main(argv: Optional[List[str]] = None) -> int:
    from actions.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=[*eval_set.PARTS, "both"], default="both")
    parser.add_argument(
        "--misses", action="store_true", help="print every turn of the tuning part that went wrong"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--live", action="store_true", help="also ask every conversation over REST (starts both servers)"
    )
    parser.add_argument(
        "--no-nlu",
        action="store_true",
        help="offline without the trained NLU (its confidence and what it declines)",
    )
    args = parser.parse_args(argv)
    parts = list(eval_set.PARTS) if args.part == "both" else [args.part]
    base = KnowledgeBase.from_settings(get_settings())
    base.searcher()  # load before timing
    figures: Dict[str, Dict] = {}
    nlu, declined = None, set()
    if not args.no_nlu:
        verdicts = nlu_verdicts([q.text for q in eval_set.questions(eval_set.load(parts))])
        nlu, declined = policy_scores(verdicts), declined_by_nlu(verdicts)
    for part in parts:
        conversations = eval_set.load([part])
        outcomes = run(base, conversations, nlu=nlu, declined=declined)
        figures[part] = {"offline": summarise(outcomes)}
        print_summary(part, figures[part]["offline"], "offline")
        if args.misses:
            print_misses(outcomes)
    if args.live:
        from bot.serve import Servers, free_port

        print("asking every conversation over the REST channel of freshly started servers...")
        with (
            tempfile.TemporaryDirectory() as work,
            Servers(
                rasa_port=free_port(),
                actions_port=free_port(),
                web_port=None,
                staff_port=None,
                log_dir=Path(work) / "logs",
                tracker_db=Path(work) / "tracker.db",
            ) as servers,
        ):
            for part in parts:
                outcomes = run_live(servers.rasa_url, eval_set.load([part]))
                figures[part]["live"] = summarise(outcomes)
                print_summary(part, figures[part]["live"], "live over REST")
                if args.misses:
                    print_misses(outcomes)
                passed = sum(o.right for o in outcomes)
                print(f"  live REST: {passed} passed, {len(outcomes) - passed} failed")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
