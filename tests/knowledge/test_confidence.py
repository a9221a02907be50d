"""The answer-confidence model: fitting, the threshold's utility, neutral missing signals, cross-validation."""

from __future__ import annotations

import random

import pytest

from knowledge.calibrate import Rows, cross_validate
from knowledge.confidence import (
    RIVAL,
    ConfidenceModel,
    best_threshold,
    fit,
    fit_second_stage,
    rivals,
    with_rivals,
)
from knowledge.eval_set import Question


def _rows(count: int = 120, seed: int = 3) -> Rows:
    """Questions whose first passage is right when its relevance is high; out-of-scope ones have low
    relevance. ``noise`` carries nothing."""
    rng = random.Random(seed)
    found = Rows([], [], [], [], [])
    for number in range(count):
        in_scope = number % 3 != 0
        question = Question(
            f"q{number}", "zh", ("doc",) if in_scope else (), ("near",) if not in_scope else ()
        )
        for rank in range(2):
            right = in_scope and rank == 0
            features = {
                "relevance": (0.08 if right else 0.01) + rng.gauss(0, 0.01),
                "coverage": (0.7 if right else 0.3) + rng.gauss(0, 0.1),
                "bm25": rng.random(),
            }
            _add(found, features, right, rank, number, question)
    return found


def _add(found: Rows, features: dict, right: bool, rank: int, number: int, question: Question) -> None:
    """One ranked passage of question ``number``: its features and label; rank 0 is the decision."""
    found.features.append(features)
    found.labels.append(int(right))
    found.decisions.append(rank == 0)
    found.groups.append(number)
    found.questions.append(question)


def test_fit_learns_which_signal_predicts_a_right_answer() -> None:
    found = _rows()
    model = fit(found.features, found.labels, found.decisions)
    assert model.weights["relevance"] > 1.0 > abs(model.weights["bm25"])
    assert model.probability({"relevance": 0.09, "coverage": 0.7, "bm25": 0.5}) > model.threshold
    assert model.probability({"relevance": 0.0, "coverage": 0.3, "bm25": 0.5}) < model.threshold


def test_fit_without_a_feature_leaves_it_out() -> None:
    found = _rows()
    model = fit(found.features, found.labels, found.decisions, without=["bm25"])
    assert set(model.weights) == {"relevance", "coverage"}


def test_a_missing_signal_counts_as_its_mean() -> None:
    model = ConfidenceModel(
        {"relevance": 2.0, "nlu_policy": 1.0},
        0.0,
        {"relevance": 0.0, "nlu_policy": 0.5},
        {"relevance": 1.0, "nlu_policy": 0.5},
    )
    assert model.probability({"relevance": 0.0}) == pytest.approx(0.5)
    assert model.probability({"relevance": 0.0, "nlu_policy": 1.0}) > 0.5


def test_best_threshold_weighs_wrong_answers() -> None:
    probabilities = [0.9, 0.8, 0.6, 0.4, 0.2]
    labels = [1, 1, 0, 1, 0]
    # Cost 1: answering down to 0.4 gains 3 right for 1 wrong (utility 2), as does stopping at 0.8.
    assert best_threshold(probabilities, labels, 1.0) <= 0.8
    # Cost 3: the wrong answer at 0.6 outweighs the right one below it; the cut lies above 0.6.
    assert 0.6 < best_threshold(probabilities, labels, 3.0) <= 0.8


def test_cross_validation_judges_folds_it_was_not_fitted_on() -> None:
    figures = cross_validate(_rows(), folds=4, wrong_answer_cost=2.0)
    assert set(figures) == {"in_scope", "near_scope_refused", "out_of_scope_refused"}
    assert figures["in_scope"] > 0.9 and figures["near_scope_refused"] > 0.9
    # With nothing to learn from (only noise), the held-out folds cannot all be right.
    noise = _rows()
    for row in noise.features:
        row["relevance"] = row["coverage"] = 0.0
    blind = cross_validate(noise, folds=4, wrong_answer_cost=2.0)
    assert min(blind.values()) < 0.9


def test_rivals_are_the_best_other_document_among_the_first_three() -> None:
    # Ranked results of one search: two passages of "a", then "b", "c", and "d" beyond the first three.
    families = ["a", "a", "b", "c", "d"]
    probabilities = [0.9, 0.8, 0.5, 0.3, 0.2]
    assert rivals(probabilities, families) == [0.5, 0.5, 0.9, 0.9, 0.9]
    assert rivals([0.7], ["a"]) == [0.0]  # alone in the search: no rival


def _shared_rows(count: int = 150, seed: int = 5) -> Rows:
    """Searches whose first document looks equally good whether right or not; what tells them apart is
    whether a second document looks as good (a near-scope question shares its probability around)."""
    rng = random.Random(seed)
    found = Rows([], [], [], [], [])
    for number in range(count):
        in_scope = number % 2 == 0
        question = Question(f"q{number}", "zh", ("doc",) if in_scope else (), () if in_scope else ("near",))
        for rank in range(3):
            relevance = 0.08 + rng.gauss(0, 0.005) if rank == 0 or (rank == 1 and not in_scope) else 0.0
            _add(
                found,
                {"relevance": relevance, "coverage": rng.random()},
                in_scope and rank == 0,
                rank,
                number,
                question,
            )
    return found


def test_the_second_stage_refuses_when_another_document_is_as_probable() -> None:
    found = _shared_rows()
    first = fit(found.features, found.labels, found.decisions, wrong_answer_cost=3.0)
    model = fit_second_stage(found.features, found.labels, found.decisions, first, wrong_answer_cost=3.0)
    assert model.second is not None and model.second.weights[RIVAL] < 0
    judged = with_rivals(found.features, found.decisions, model)
    decisions = [i for i, decision in enumerate(found.decisions) if decision]
    alone = sum(first.confident(found.features[i]) != bool(found.labels[i]) for i in decisions)
    both = sum(model.second.confident(judged[i]) != bool(found.labels[i]) for i in decisions)
    assert both < alone / 4  # the first stage alone cannot tell them apart; the second can
    cross = cross_validate(found, folds=4, wrong_answer_cost=3.0)
    assert cross["in_scope"] > 0.9 and cross["near_scope_refused"] > 0.9


def test_a_two_stage_model_survives_its_file(tmp_path) -> None:
    found = _shared_rows(60)
    first = fit(found.features, found.labels, found.decisions)
    model = fit_second_stage(found.features, found.labels, found.decisions, first)
    model.save(tmp_path / "model.json")
    loaded = ConfidenceModel.load(tmp_path / "model.json")
    assert loaded == model and loaded.second is not None
    assert ConfidenceModel.from_dict(first.to_dict()).second is None  # a one-stage file stays one stage
