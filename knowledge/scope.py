"""Is a question about what the plan covers? A small classifier over the question's own embedding.

Near-scope questions ("外资企业所得税怎么交", "how much do IP lawyers charge") share words and topics with the
documents, so retrieval scores alone tell them poorly from covered questions worded unusually. The NLU's
intent classifier learns from character n-grams of a few hundred examples; the same examples embedded with
the multilingual e5 model the search already runs give a classifier that generalises across wording, typos
and the two languages (measured on the tuning part: AUC 0.98 against the NLU's 0.91). It is a logistic
regression over the query vector, fitted by ``make calibrate`` on the NLU's training examples of
``ask_policy`` (in scope) and ``out_of_scope``, never on the evaluation set; its probability is one signal of
the answer confidence (:mod:`knowledge.confidence`). It costs one dot product per search.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import yaml

MODEL_FILE = Path(__file__).resolve().parent / "scope_model.json"
# Sentences whose vectors identify the embedding model the classifier was fitted for: a model that encodes
# them differently (another model, not another engine or build of the same one) makes the classifier unusable.
PROBES = ("商标侵权怎么举报", "how do I report counterfeit goods")
PROBE_MIN_COSINE = 0.99
IN_SCOPE_INTENT = "ask_policy"
OUT_OF_SCOPE_INTENT = "out_of_scope"
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")  # Rasa's [text](entity) / [text]{...}


@dataclass(frozen=True)
class ScopeModel:
    """``p(in scope) = sigmoid(bias + weights · query_vector)``, for the embedding model that encodes
    :data:`PROBES` as ``probes``."""

    weights: np.ndarray
    bias: float
    probes: np.ndarray  # the query vectors of PROBES under the embedding model it was fitted for
    trained_on: Dict

    def log_odds(self, vector: np.ndarray) -> float:
        return float(self.bias + self.weights @ vector)

    def probability(self, vector: np.ndarray) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.log_odds(vector)))))

    def to_dict(self) -> Dict:
        return {
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": self.bias,
            "probes": [[round(float(x), 6) for x in row] for row in self.probes],
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_dict(cls, data: Dict) -> ScopeModel:
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=float(data["bias"]),
            probes=np.asarray(data["probes"], dtype=np.float32),
            trained_on=dict(data.get("trained_on") or {}),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")


def load(path: Optional[Path], probe_vectors: np.ndarray) -> Optional[ScopeModel]:
    """The fitted model, when it was fitted for the embedding model that encodes :data:`PROBES` as
    ``probe_vectors``; else None, and the signal is neutral: no file, an unreadable one, or one fitted on
    another model's vectors (``make calibrate`` fits it again)."""
    if path is None or not Path(path).is_file():
        return None
    try:
        model = ScopeModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if model.probes.shape != probe_vectors.shape or model.weights.shape != probe_vectors.shape[1:]:
        return None
    if float(np.min(np.sum(model.probes * probe_vectors, axis=1))) < PROBE_MIN_COSINE:
        return None
    return model


def nlu_examples(paths: Iterable[Path]) -> Tuple[List[str], List[str]]:
    """The examples of the in-scope and out-of-scope intents in Rasa NLU files (YAML, read as data)."""
    in_scope: List[str] = []
    out_of_scope: List[str] = []
    for path in sorted(paths):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            target = {IN_SCOPE_INTENT: in_scope, OUT_OF_SCOPE_INTENT: out_of_scope}.get(item.get("intent"))
            if target is None:
                continue
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    target.append(_ANNOTATION.sub(r"\1", line[2:].strip()))
    return in_scope, out_of_scope


def fit(
    vectors: np.ndarray, labels: Sequence[int], probe_vectors: np.ndarray, regularisation: float = 10.0
) -> ScopeModel:
    """L2-regularised logistic regression, classes balanced (there are fewer out-of-scope examples).
    ``regularisation`` (C) 10 was the best of 0.3–30 on the tuning part's questions, measured once."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels, dtype=int)
    model = LogisticRegression(C=regularisation, max_iter=5000, class_weight="balanced")
    model.fit(np.asarray(vectors, dtype=np.float64), y)
    return ScopeModel(
        weights=model.coef_[0].astype(np.float32),
        bias=float(model.intercept_[0]),
        probes=np.asarray(probe_vectors, dtype=np.float32),
        trained_on={"in_scope": int(y.sum()), "out_of_scope": int(len(y) - y.sum())},
    )
