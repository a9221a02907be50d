"""Fit the answer-confidence model on the tuning part of the evaluation set (``make calibrate``).

Every turn of the tuning part is searched as the assistant would search it (a follow-up turn also together
with the previous question); each of the top passages becomes a row of features, labelled 1 when its
document is one the question expects and 0 otherwise (every passage of an out-of-scope question is a 0).
The model is fitted twice, because the ranking's language gating uses the confidence itself. The held-out
part is only measured, never fitted on: its figures are printed at the end.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from knowledge import eval_set
from knowledge.confidence import MODEL_FILE, ConfidenceModel, fit
from knowledge.eval_nlu import policy_scores
from knowledge.evaluate import print_summary, run, summarise
from knowledge.followup import with_context
from knowledge.search import HybridSearcher, KnowledgeBase

ROUNDS = 3


def training_rows(
    searcher: HybridSearcher, nlu: Dict[str, float], part: str = "tuning"
) -> Tuple[List[Dict[str, float]], List[int], List[bool]]:
    """Features of the top passages of every turn, their labels, and which rows are ranked first."""
    rows: List[Dict[str, float]] = []
    labels: List[int] = []
    decisions: List[bool] = []
    for conversation in eval_set.load([part]):
        previous = ""
        for question in conversation.turns:
            queries = [question.text]
            if question.follow_up and previous:
                queries.append(with_context(previous, question.text))
            for query in queries:
                results = searcher.search(query, question.lang, k=3, nlu_policy=nlu[question.text])
                for rank, result in enumerate(results):
                    rows.append(result.features)
                    labels.append(int(result.family in question.expect))
                    decisions.append(rank == 0)
            previous = question.text
    return rows, labels, decisions


def main(argv: Optional[List[str]] = None) -> int:
    from actions.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--wrong-answer-cost", type=float, default=2.0)
    args = parser.parse_args(argv)
    settings = get_settings()
    base = KnowledgeBase(
        settings.index_dir,
        settings.embedding_model,
        confidence_model=None,
        threads=settings.encode_threads,
    )
    searcher = base.searcher()
    model = ConfidenceModel.prior()
    everything = eval_set.load()
    nlu = policy_scores([q.text for q in eval_set.questions(everything)])  # the NLU's view of each message
    for round_number in range(1, ROUNDS + 1):
        searcher.confidence = model
        rows, labels, decisions = training_rows(searcher, nlu)
        model = fit(rows, labels, decisions, wrong_answer_cost=args.wrong_answer_cost)
        print(f"round {round_number}: {len(rows)} rows ({sum(labels)} positive), threshold {model.threshold}")
    model = ConfidenceModel(
        model.weights,
        model.bias,
        model.mean,
        model.scale,
        model.threshold,
        {
            "part": "tuning",
            "rows": len(rows),
            "positive": sum(labels),
            "wrong_answer_cost": args.wrong_answer_cost,
            "index_model": searcher.build.manifest.get("model"),
        },
    )
    model.save(args.out)
    print("weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in model.weights.items()))
    print(f"written to {args.out}")
    searcher.confidence = model
    base.confidence = model
    for part in eval_set.PARTS:
        conversations = eval_set.load([part])
        if conversations:
            print_summary(part, summarise(run(base, conversations, nlu=nlu)), "offline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
