"""Calibrated answer confidence: a logistic regression over retrieval signals, fitted on labelled questions.

Hand-set cosine and margin thresholds cannot tell "a near-scope question the documents do not cover" from "a
covered question worded unusually". The signals below are measured for every ranked passage; a small logistic
model, fitted by ``python -m knowledge.calibrate`` on the tuning part of the evaluation set only, turns them
into the probability that the passage's document answers the question. A passage is answered from when that
probability reaches the model's threshold, chosen on the same tuning part so that a wrong answer costs more
than an honest "not covered". The fitted model is a small JSON file kept with the code.

The first stage judges each passage alone, so a near-scope question whose probability is shared by several
plausible documents can still clear the threshold with one of them. A second stage, fitted after the first,
sees the same signals and one more: how probable the first stage finds the best other document of the same
search (:data:`RIVAL`). Cross-validated on the tuning part (six shuffles of five folds) it refused more
out-of-scope questions (0.915 → 0.943) and lost no in-scope one (0.853 → 0.862).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

MODEL_FILE = Path(__file__).resolve().parent / "confidence_model.json"

FEATURES = (
    "fused",  # reciprocal-rank-fusion score, scaled so that first in both rankings is 2
    "cosine",  # question–passage cosine
    "relevance",  # cosine above the question's mean cosine over passages of the same language
    "relevance_gap",  # the document's best relevance above any other document's (negative: another is better)
    "sentence",  # the question's best sentence of the document: cosine above its language's background
    "sentence_gap",  # that, above the best sentence of any other document
    "coverage",  # IDF-weighted share of the question's words in the passage
    "bm25",  # log(1 + BM25)
    "dense_first",  # the document is the dense ranking's first
    "lexical_first",  # the document is the lexical ranking's first
    "agreement",  # dense and lexical rankings have the same first document, and it is this one
    "own_language",  # the passage is in the question's language, or its document exists in no other
    "query_units",  # log(1 + the question's length in Chinese-character equivalents)
    "nlu_policy",  # the NLU's confidence that the message is a policy question (neutral when absent)
    "scope",  # log-odds of the scope classifier over the question's embedding (knowledge/scope.py)
    "question",  # the document's best question key above the question's mean over all keys (question_keys)
    "question_gap",  # that, above the best key of any other document
    "money_unstated",  # the question asks about money and the document states no amount (answer_types)
    "time_unstated",  # the question asks how long / by when / what hours and the document states no time
)
# The second stage's extra signal: the first-stage probability of the most probable other document among
# the search's first RIVALS documents (calibration's rows are a search's first three documents).
RIVAL = "rival"
RIVALS = 3
SECOND_STAGE_FEATURES = (*FEATURES, RIVAL)


@dataclass(frozen=True)
class ConfidenceModel:
    """``p = sigmoid(bias + Σ weight·(x − mean)/scale)``; answer when ``p ≥ threshold``. A feature that is
    absent (the NLU's confidence, where no NLU is in front) counts as its mean: neutral."""

    weights: Dict[str, float]
    bias: float
    mean: Dict[str, float]
    scale: Dict[str, float]
    threshold: float = 0.5
    trained_on: Dict = field(default_factory=dict)
    second: Optional[ConfidenceModel] = None  # judges with the rival documents in view; decides

    def probability(self, features: Dict[str, float]) -> float:
        z = self.bias
        for name, weight in self.weights.items():
            z += weight * (features.get(name, self.mean[name]) - self.mean[name]) / (self.scale[name] or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def confident(self, features: Dict[str, float]) -> bool:
        return self.probability(features) >= self.threshold

    @property
    def deciding(self) -> ConfidenceModel:
        """The stage whose probability and threshold decide whether a passage answers."""
        return self.second or self

    def to_dict(self) -> Dict:
        data = {
            "features": list(self.weights),
            "weights": self.weights,
            "bias": self.bias,
            "mean": self.mean,
            "scale": self.scale,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
        }
        if self.second is not None:
            data["second_stage"] = self.second.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Dict) -> ConfidenceModel:
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            mean={k: float(v) for k, v in data["mean"].items()},
            scale={k: float(v) for k, v in data["scale"].items()},
            threshold=float(data.get("threshold", 0.5)),
            trained_on=dict(data.get("trained_on") or {}),
            second=cls.from_dict(data["second_stage"]) if data.get("second_stage") else None,
        )

    @classmethod
    def prior(cls) -> ConfidenceModel:
        """A starting point before any fitting: a passage that stands out from the background (by about
        0.04 of cosine) or stands out a little and holds the question's words."""
        return cls(
            weights={"relevance": 1.0, "coverage": 0.5},
            bias=-2.0,
            mean={"relevance": 0.0, "coverage": 0.0},
            scale={"relevance": 0.02, "coverage": 0.25},
            trained_on={"prior": True},
        )

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ConfidenceModel:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(
                f"the confidence model {path} cannot be read ({error}): run 'make calibrate'"
            ) from error

    def save(self, path: Path = MODEL_FILE) -> None:
        Path(path).write_text(
            json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def fit(
    rows: Sequence[Dict[str, float]],
    labels: Sequence[int],
    decisions: Sequence[bool],
    wrong_answer_cost: float = 2.0,
    regularisation: float = 1.0,
    without: Sequence[str] = (),
    features: Sequence[str] = FEATURES,
) -> ConfidenceModel:
    """Fit weights (L2-regularised logistic regression) on every row, and the threshold that maximises
    ``right answers − wrong_answer_cost × wrong answers`` over the rows that are decisions (the passage
    ranked first for a question: answer from it, or say the documents do not cover it). ``without``: features
    left out (to measure what one adds); ``features``: the stage's signals (:data:`SECOND_STAGE_FEATURES`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = [name for name in features if name not in without and all(name in row for row in rows)]
    matrix = np.array([[row[name] for name in names] for row in rows], dtype=float)
    y = np.array(labels, dtype=int)
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=regularisation, max_iter=1000)
    model.fit((matrix - mean) / scale, y)
    calibrated = ConfidenceModel(
        weights={name: float(w) for name, w in zip(names, model.coef_[0], strict=True)},
        bias=float(model.intercept_[0]),
        mean={name: float(m) for name, m in zip(names, mean, strict=True)},
        scale={name: float(s) for name, s in zip(names, scale, strict=True)},
    )
    chosen = [i for i, decision in enumerate(decisions) if decision]
    probabilities = [calibrated.probability(rows[i]) for i in chosen]
    threshold = best_threshold(probabilities, [labels[i] for i in chosen], wrong_answer_cost)
    return ConfidenceModel(
        calibrated.weights, calibrated.bias, calibrated.mean, calibrated.scale, threshold, {"rows": len(rows)}
    )


def rivals(first_stage: Sequence[float], families: Sequence[str]) -> List[float]:
    """For each result of one search (ranked by the first stage), the first-stage probability of the most
    probable other document among the search's first :data:`RIVALS` documents (0 when there is none)."""
    top: Dict[str, float] = {}
    for family, probability in zip(families, first_stage, strict=True):
        if family not in top and len(top) < RIVALS:
            top[family] = probability
    return [max((p for f, p in top.items() if f != family), default=0.0) for family in families]


def fit_second_stage(
    rows: Sequence[Dict[str, float]],
    labels: Sequence[int],
    decisions: Sequence[bool],
    first: ConfidenceModel,
    wrong_answer_cost: float = 2.0,
    without: Sequence[str] = (),
) -> ConfidenceModel:
    """``first`` with a second stage fitted on the same rows. The rows of one search follow its decision row
    (calibration's layout), one row per document; each gets :data:`RIVAL` from ``first``'s probabilities."""
    judged = with_rivals(rows, decisions, first)
    second = fit(
        judged, labels, decisions, wrong_answer_cost, without=without, features=SECOND_STAGE_FEATURES
    )
    return dataclasses.replace(first, second=second)


def with_rivals(
    rows: Sequence[Dict[str, float]], decisions: Sequence[bool], first: ConfidenceModel
) -> List[Dict[str, float]]:
    """Each row with :data:`RIVAL`, the searches told apart by their decision rows (one row per document)."""
    searches: List[List[int]] = []
    for i, decision in enumerate(decisions):
        if decision or not searches:
            searches.append([])
        searches[-1].append(i)
    judged: List[Dict[str, float]] = [{} for _ in rows]
    for members in searches:
        first_stage = [first.probability(rows[i]) for i in members]
        for i, rival in zip(members, rivals(first_stage, [str(i) for i in members]), strict=True):
            judged[i] = {**rows[i], RIVAL: rival}
    return judged


def best_threshold(probabilities: Sequence[float], labels: Sequence[int], wrong_answer_cost: float) -> float:
    """The probability cut with the best utility; ties go to the middle of the best interval."""
    candidates: List[float] = sorted(set(probabilities))
    best_utility, best_cuts = -math.inf, [0.5]
    for cut in candidates:
        right = sum(1 for p, y in zip(probabilities, labels, strict=True) if p >= cut and y)
        wrong = sum(1 for p, y in zip(probabilities, labels, strict=True) if p >= cut and not y)
        utility = right - wrong_answer_cost * wrong
        if utility > best_utility:
            best_utility, best_cuts = utility, [cut]
        elif utility == best_utility:
            best_cuts.append(cut)
    # Between the last accepted probability and the next lower one, so a nearly equal case is not lost.
    lowest = min(best_cuts)
    below = [p for p in candidates if p < lowest]
    return round((lowest + max(below)) / 2 if below else lowest, 4)
