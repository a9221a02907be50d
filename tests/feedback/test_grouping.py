"""Grouping the review queue by similar question: rewordings together, typing noise ignored, other topics apart."""

from __future__ import annotations

import datetime as dt

import numpy as np

from feedback.grouping import group
from feedback.store import QueueItem

T0 = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def _item(
    n: int, question: str, language: str = "zh", outcome: str = "not_covered", rating=None
) -> QueueItem:
    return QueueItem(
        f"a{n}",
        question,
        language,
        outcome,
        None,
        [{"title": "T"}] if outcome == "answered" else [],
        T0 + dt.timedelta(hours=n),
        rating,
        None,
        None,
        "open",
    )


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_similar_questions_form_one_group_with_counts_and_dates() -> None:
    items = [
        _item(3, "请律师多少钱"),
        _item(2, "找律师要花多少钱"),
        _item(1, "海关备案怎么办"),
        _item(0, "请律师多少钱？"),
    ]
    lawyer, customs = _unit(1, 0.1, 0), _unit(0, 0, 1)
    vectors = np.vstack(
        [lawyer, _unit(1, 0.2, 0), customs, _unit(0.2, 1, 0)]
    )  # the last: typed the same as the first
    groups = group(items, vectors)
    assert [g.count for g in groups] == [3, 1]
    first = groups[0]
    assert first.question == "请律师多少钱" or first.question == "请律师多少钱？"
    assert (first.first_seen, first.last_seen) == (T0, T0 + dt.timedelta(hours=3))
    assert first.reasons == {"not_covered": 3} and len(first.wordings) == 3
    assert groups[1].question == "海关备案怎么办"


def test_a_group_tells_disliked_from_uncovered_and_lists_the_documents_cited() -> None:
    items = [
        _item(1, "调解要带什么材料", outcome="answered", rating="down"),
        _item(0, "调解需要什么材料", language="en"),
    ]
    groups = group(items, np.vstack([_unit(1, 0, 0), _unit(1, 0.05, 0)]))
    assert len(groups) == 1
    assert groups[0].reasons == {"disliked": 1, "not_covered": 1}
    assert groups[0].languages == ["en", "zh"] and groups[0].citations == ["T"]


def test_an_empty_queue_has_no_groups() -> None:
    assert group([], np.zeros((0, 3), np.float32)) == []
