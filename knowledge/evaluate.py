"""Answer quality on the evaluation set, offline: the figures `make eval` reports first, and calibration uses.

Each conversation goes through the same answering as the action server (search, follow-ups read with the
previous question, the calibrated confidence; a message the NLU declines is answered only as a follow-up or
when the scope classifier is sure it is about the plan, see :mod:`knowledge.answering`). A turn is
right when an in-scope question is answered confidently from one of its expected documents (any language),
and when an out-of-scope question gets no confident answer. The live run over REST is ``evaluation.live``.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import AbstractSet, Callable, Dict, List, Optional, Sequence, Set

from knowledge import eval_set
from knowledge.answering import next_context
from knowledge.base import KnowledgeBase
from knowledge.eval_set import Conversation, Question


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
    scope (see :mod:`knowledge.eval_nlu`)."""
    outcomes = []
    for conversation in conversations:
        context = None
        for question in conversation.turns:
            started = time.perf_counter()
            answer = base.answer(
                question.text,
                question.lang,
                context,
                k,
                (nlu or {}).get(question.text),
                question.text in declined,
            )
            seconds = time.perf_counter() - started
            outcomes.append(Outcome(question, [r.family for r in answer.results], answer.confident, seconds))
            context = next_context(answer, context)
    return outcomes


# A question within this cosine of a document's question key is one the keys nearly spell out: the figure on
# the questions without one is what an unforeseen wording gets (keys and questions both come from the
# documents, so the canonical questions are in both; the keys written later keep this far from any held-out
# question).
KEYED_COSINE = 0.95


def keyed_questions(base: KnowledgeBase, texts: Sequence[str], bar: float = KEYED_COSINE) -> Set[str]:
    """The texts with a question key of the index within cosine ``bar``."""
    unique = sorted(set(texts))
    build = base.searcher().build
    if not unique or build.question_vectors is None or not len(build.question_keys):
        return set()
    nearest = (base.embedder.encode_queries(unique) @ build.question_vectors.T).max(axis=1)
    return {text for text, cosine in zip(unique, nearest, strict=True) if cosine >= bar}


def _rate(outcomes: Sequence[Outcome], keep: Callable[[Outcome], bool]) -> Dict[str, float]:
    chosen = [o for o in outcomes if keep(o)]
    return {"n": len(chosen), "right": sum(o.right for o in chosen) / len(chosen) if chosen else float("nan")}


def summarise(
    outcomes: Sequence[Outcome], keyed: AbstractSet[str] = frozenset()
) -> Dict[str, Dict[str, float]]:
    """Figures of one part: retrieval and answers per language, refusals, follow-up turns; with ``keyed``
    (:func:`keyed_questions`), the in-scope figure on the questions not in it as well."""
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
    if keyed:
        summary["in_scope_unkeyed"] = _rate(
            single, lambda o: o.question.in_scope and o.question.text not in keyed
        )
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
    ("in_scope_unkeyed", f"  of them no key within {KEYED_COSINE}"),
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
