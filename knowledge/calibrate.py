"""Fit the answer-confidence model on the tuning part of the evaluation set (``make calibrate``).

Every turn of the tuning part is searched as the assistant would search it (a follow-up turn also together
with the previous question); each of the top passages becomes a row of features, labelled 1 when its
document is one the question expects and 0 otherwise (every passage of an out-of-scope question is a 0).
The first stage is fitted in rounds, because the ranking's language gating uses the confidence itself;
the second stage (:func:`knowledge.confidence.fit_second_stage`) once, on the last round's rows. Choices
about features and costs are made on the tuning part's cross-validated figures (``--folds``: fitted on
the other conversations, judged on a fold's); the held-out part is never fitted on nor looked at here:
``make eval`` measures it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Dict, List, Optional, Sequence

from knowledge import eval_set, scope
from knowledge.base import KnowledgeBase
from knowledge.confidence import MODEL_FILE, ConfidenceModel, fit, fit_second_stage, with_rivals
from knowledge.eval_nlu import nlu_view
from knowledge.eval_set import Question
from knowledge.evaluate import print_summary, run, summarise
from knowledge.followup import with_context
from knowledge.search import HybridSearcher
from knowledge.settings import PROJECT_ROOT

NLU_DATA = PROJECT_ROOT / "bot" / "data" / "nlu"

ROUNDS = 3
# A wrong answer costs three honest refusals: an unrelated passage misleads, "not covered" does not.
WRONG_ANSWER_COST = 3.0


@dataclass(frozen=True)
class Rows:
    """Training rows with what cross-validation needs: each row's conversation and question."""

    features: List[Dict[str, float]]
    labels: List[int]
    decisions: List[bool]
    groups: List[int]  # conversation number
    questions: List[Question]


def labelled_rows(
    searcher: HybridSearcher,
    nlu: Dict[str, float],
    part: str = "tuning",
    declined: AbstractSet[str] = frozenset(),
) -> Rows:
    """Features of the top passages of every turn that reaches a search (not ``declined`` by the NLU), their
    labels, which rows are ranked first, and each row's conversation and question."""
    found = Rows([], [], [], [], [])
    rows, labels, decisions = found.features, found.labels, found.decisions
    for number, conversation in enumerate(eval_set.load([part])):
        previous = ""
        for question in conversation.turns:
            if question.text in declined:
                continue  # the model is fitted on the messages the NLU lets through
            queries = [question.text]
            if question.follow_up and previous:
                queries.append(with_context(previous, question.text))
            for query in queries:
                results = searcher.search(query, question.lang, k=3, nlu_policy=nlu[question.text])
                for rank, result in enumerate(results):
                    rows.append(result.features)
                    labels.append(int(result.family in question.expect))
                    decisions.append(rank == 0)
                    found.groups.append(number)
                    found.questions.append(question)
            previous = question.text
    return found


def fit_both_stages(
    found: Rows, wrong_answer_cost: float, without: Sequence[str] = (), rows: Optional[Sequence[int]] = None
) -> ConfidenceModel:
    """Both stages fitted on ``rows`` of ``found`` (all of them when None): whole searches only."""
    chosen = range(len(found.features)) if rows is None else rows
    features = [found.features[i] for i in chosen]
    labels = [found.labels[i] for i in chosen]
    decisions = [found.decisions[i] for i in chosen]
    first = fit(features, labels, decisions, wrong_answer_cost=wrong_answer_cost, without=without)
    return fit_second_stage(features, labels, decisions, first, wrong_answer_cost, without=without)


def cross_validate(
    found: Rows, folds: int, wrong_answer_cost: float, without: Sequence[str] = (), second_stage: bool = True
) -> Dict[str, float]:
    """Fitted on the other folds' conversations, judged on one fold's first-ranked rows: the share of
    in-scope questions answered from a right document, and of (near-scope) out-of-scope ones refused.
    ``second_stage``: judge with both stages (else the first alone)."""
    tallies = {"in_scope": [0, 0], "near_scope_refused": [0, 0], "out_of_scope_refused": [0, 0]}
    for fold in range(folds):
        train = [i for i, group in enumerate(found.groups) if group % folds != fold]
        model = fit_both_stages(found, wrong_answer_cost, without, train)
        judge, rows = model, found.features  # a model's own probability is its first stage's
        if second_stage:
            judge, rows = model.second, with_rivals(found.features, found.decisions, model)
        for i, group in enumerate(found.groups):
            if group % folds != fold or not found.decisions[i]:
                continue
            question, answered = found.questions[i], judge.confident(rows[i])
            if question.in_scope:
                tallies["in_scope"][0] += int(answered and found.labels[i] == 1)
                tallies["in_scope"][1] += 1
            else:
                for key in ("out_of_scope_refused", "near_scope_refused"):
                    if key == "out_of_scope_refused" or question.near_scope:
                        tallies[key][0] += int(not answered)
                        tallies[key][1] += 1
    return {key: right / total for key, (right, total) in tallies.items() if total}


def fit_scope(base: KnowledgeBase, out: Path, nlu_data: Path = NLU_DATA) -> scope.ScopeModel:
    """Fit the scope classifier on the NLU's examples of policy and out-of-scope questions (never on the
    evaluation set), save it, and give it to the base's searcher."""
    in_scope, out_of_scope = scope.nlu_examples(nlu_data.glob("*.yml"))
    vectors = base.embedder.encode_queries([*in_scope, *out_of_scope])
    labels = [1] * len(in_scope) + [0] * len(out_of_scope)
    model = scope.fit(vectors, labels, base.embedder.encode_queries(scope.PROBES))
    model.save(out)
    base.use_scope(model)
    print(f"scope classifier: {len(in_scope)} in scope, {len(out_of_scope)} out of scope -> {out}")
    return model


def main(argv: Optional[List[str]] = None) -> int:
    from knowledge.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--wrong-answer-cost", type=float, default=WRONG_ANSWER_COST)
    parser.add_argument(
        "--folds", type=int, default=5, help="cross-validation folds on the tuning part (0: none)"
    )
    parser.add_argument("--without", nargs="*", default=[], help="features left out of the model")
    parser.add_argument("--scope-out", type=Path, help="where the scope classifier goes (default: setting)")
    args = parser.parse_args(argv)
    settings = get_settings()
    base = KnowledgeBase(
        settings.index_dir,
        settings.embedding_model,
        confidence_model=None,
        threads=settings.encode_threads,
    )
    searcher = base.searcher()
    fit_scope(base, args.scope_out or settings.scope_model)
    model = ConfidenceModel.prior()
    tuning = eval_set.load(["tuning"])
    nlu, declined = nlu_view([q.text for q in eval_set.questions(tuning)])  # the NLU's view of each message
    for round_number in range(1, ROUNDS + 1):
        searcher.confidence = model
        found = labelled_rows(searcher, nlu, declined=declined)
        rows, labels, decisions = found.features, found.labels, found.decisions
        model = fit(rows, labels, decisions, wrong_answer_cost=args.wrong_answer_cost, without=args.without)
        print(f"round {round_number}: {len(rows)} rows ({sum(labels)} positive), threshold {model.threshold}")
    # The last round's first stage, and a second stage fitted on the same rows.
    model = fit_second_stage(rows, labels, decisions, model, args.wrong_answer_cost, without=args.without)
    print(f"second stage: threshold {model.second.threshold}, rival {model.second.weights['rival']:+.2f}")
    trained_on = {
        "part": "tuning",
        "rows": len(rows),
        "positive": sum(labels),
        "wrong_answer_cost": args.wrong_answer_cost,
        "index_model": searcher.build.manifest.get("model"),
    }
    model = dataclasses.replace(model, trained_on=trained_on)
    model.save(args.out)
    if args.folds > 1:  # on the last round's rows: the same searches, not run again
        for label, second_stage in (("first stage alone", False), ("both stages", True)):
            figures = cross_validate(found, args.folds, args.wrong_answer_cost, args.without, second_stage)
            print(
                f"tuning part, {args.folds}-fold cross-validated (one search per turn), {label}: "
                + ", ".join(f"{key} {value:.3f}" for key, value in figures.items())
            )
    print("first stage: " + ", ".join(f"{k} {v:+.2f}" for k, v in model.weights.items()))
    print("second stage: " + ", ".join(f"{k} {v:+.2f}" for k, v in model.second.weights.items()))
    print(f"written to {args.out}")
    searcher.confidence = model
    base.confidence = model
    print_summary("tuning", summarise(run(base, tuning, nlu=nlu, declined=declined)), "offline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
