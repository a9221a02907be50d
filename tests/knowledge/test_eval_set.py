"""The evaluation set stays apart: its parts share no question, and no NLU training example is one of them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge import eval_set

NLU_DATA = Path(__file__).resolve().parents[2] / "bot" / "data" / "nlu"


def _key(text: str) -> str:
    """A question as compared: lowercased, without spaces and punctuation."""
    return re.sub(r"[\W_]+", "", text.lower())


def _part(name: str) -> set:
    return {_key(q.text) for q in eval_set.questions(eval_set.load([name]))}


def _training_examples() -> set:
    examples = set()
    for path in NLU_DATA.glob("*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in (item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.add(_key(line.strip()[2:]))
    return examples


def test_both_parts_load_with_every_kind_of_question() -> None:
    for name in eval_set.PARTS:
        questions = eval_set.questions(eval_set.load([name]))
        assert {q.lang for q in questions} == {"zh", "en"}
        assert any(q.follow_up for q in questions) and any(q.near_scope for q in questions)
        assert any(q.in_scope for q in questions)


def test_the_parts_share_no_question() -> None:
    assert _part("tuning") & _part("heldout") == set()


def test_no_evaluation_question_is_a_training_example() -> None:
    examples = _training_examples()
    assert len(examples) > 500
    assert sorted((_part("tuning") | _part("heldout")) & examples) == []


def test_no_evaluation_question_is_a_document_question_key() -> None:
    from knowledge.documents import load_documents
    from knowledge.settings import get_settings

    keys = {_key(q) for document in load_documents(get_settings().docs_dir) for q in document.questions}
    assert len(keys) > 500
    assert sorted((_part("tuning") | _part("heldout")) & keys) == []
