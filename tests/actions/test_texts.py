"""The actions' text catalogue: every text and label in both languages, with the same values to fill in."""

from __future__ import annotations

import string

import pytest

from actions import texts


def _fields(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize(
    "table", [texts.TEXTS, texts.REQUEST_TYPE_LABELS, texts.STATUS_LABELS, texts.FIELD_LABELS]
)
def test_every_entry_has_both_languages_and_the_same_fields(table) -> None:
    for key, entry in table.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip(" ") and entry["en"].strip(" "), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key


def test_an_english_conversation_gets_english_and_any_other_chinese() -> None:
    assert texts.text("en", "answer_intro", title="T") == 'From "T":'
    assert texts.text("zh", "answer_intro", title="T") == "根据《T》："
    assert texts.text("fr", "answer_intro", title="T") == "根据《T》："
    assert texts.label(texts.STATUS_LABELS, "resolved", "en") == "resolved"
    assert texts.label(texts.STATUS_LABELS, "unknown-status", "zh") == "unknown-status"
