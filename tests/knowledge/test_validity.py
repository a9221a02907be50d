"""Validity dates: documents expired or not yet in force drop out of answers on the day, with no rebuild;
a saved change dates the page; citations carry the date."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from knowledge import base as base_module
from knowledge import faq
from knowledge.base import KnowledgeBase
from knowledge.documents import parse_document
from knowledge.errors import DocumentError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.validity import EXPIRED, IN_FORCE, NOT_YET, status, today
from tests.knowledge.conftest import write_doc

DOC = "---\nid: d\ntitle: T\nlang: zh\ntopics: [t]\nsource: s\nupdated: 2023-04-13\n{extra}---\n正文。\n"


def test_dates_are_read_checked_and_written_back() -> None:
    document = parse_document(DOC.format(extra="effective: 2023-05-01\nexpires: 2025-12-31\n"))
    assert (document.effective, document.expires) == ("2023-05-01", "2025-12-31")
    again = parse_document(document.to_markdown())
    assert again == document and again.content_hash == document.content_hash
    undated = parse_document(DOC.format(extra=""))
    assert undated.effective is None and undated.content_hash != document.content_hash


@pytest.mark.parametrize(
    "extra, field",
    [
        ("expires: next year\n", "expires"),
        ("effective: 2023-13-01\n", "effective"),
        ("effective: 2024-01-01\nexpires: 2023-12-31\n", "expires"),
    ],
)
def test_a_bad_date_is_refused_with_its_field(extra: str, field: str) -> None:
    with pytest.raises(DocumentError) as error:
        parse_document(DOC.format(extra=extra))
    assert error.value.field == field


def test_the_expiry_date_is_the_last_day_a_document_applies() -> None:
    assert status(None, "2025-12-31", dt.date(2025, 12, 31)) == IN_FORCE
    assert status(None, "2025-12-31", dt.date(2026, 1, 1)) == EXPIRED
    assert status("2026-01-01", None, dt.date(2025, 12, 31)) == NOT_YET
    assert status("2026-01-01", None, dt.date(2026, 1, 1)) == IN_FORCE
    assert status(None, None, dt.date(1999, 1, 1)) == IN_FORCE


@pytest.mark.slow
def test_an_expired_document_drops_out_of_answers_on_the_day_without_a_rebuild(
    corpus: Path, model_dir: str, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    for lang, title, body in (
        ("zh", "海外知识产权纠纷应对", "完善海外知识产权纠纷应对指导工作机制，帮助企业应对在境外被诉侵权或货物被海关扣留等情况。"),
        ("en", "Overseas IP disputes", "The mechanism guides firms sued for infringement abroad or whose goods are detained by foreign customs."),
    ):  # fmt: skip
        extra = {"translation_of": "overseas"} if lang == "en" else {}
        write_doc(corpus, lang, "overseas", title, body, expires="2026-06-30", **extra)
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    library.rebuild()
    knowledge = KnowledgeBase(corpus.parent / "index", model_dir, embedder=embedder)
    day = {"value": dt.date(2026, 6, 30)}
    monkeypatch.setattr(base_module, "today", lambda: day["value"])
    questions = (("在国外被起诉侵权怎么办", "zh"), ("what if we are sued for infringement abroad", "en"))
    for question, lang in questions:
        answer = knowledge.answer(question, lang)
        assert answer.confident and answer.results[0].family == "overseas", question
        assert answer.results[0].citation["updated"] == "2023-04-13"
    other_before = [(r.family, r.probability) for r in knowledge.search("假冒商标的商品去哪举报", "zh")]
    reloads = knowledge.reloads

    day["value"] = dt.date(2026, 7, 1)  # the day after the last day it applies
    for question, lang in questions:
        answer = knowledge.answer(question, lang)
        assert all(r.family != "overseas" for r in knowledge.search(question, lang, k=10)), question
        assert not (answer.confident and answer.results[0].family == "overseas")
    assert knowledge.reloads == reloads  # the same build, searched without the expired passages
    searcher = knowledge.searcher()
    assert "overseas" not in searcher._keys.families  # nor its question keys
    assert {k.family for k in searcher.faq.document_keys} == set(searcher._keys.families)
    other_after = [(r.family, r.probability) for r in knowledge.search("假冒商标的商品去哪举报", "zh")]
    assert other_after[0][0] == other_before[0][0] == "report"  # other documents still answer theirs


@pytest.mark.slow
def test_an_faq_entry_out_of_force_is_not_matched(
    corpus: Path, model_dir: str, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    entry = faq.staff_answer("faq-20261207-01", "zh", ["调解收费吗"], "行政调解不收取费用。", "依据")
    library.add([dataclasses.replace(entry, effective="2027-01-01")])
    knowledge = KnowledgeBase(corpus.parent / "index", model_dir, embedder=embedder)
    monkeypatch.setattr(base_module, "today", lambda: dt.date(2026, 12, 31))
    assert all(r.chunk.kind != "faq" for r in knowledge.search("调解收费吗", "zh", k=10))
    monkeypatch.setattr(base_module, "today", lambda: dt.date(2027, 1, 1))
    assert knowledge.search("调解收费吗", "zh")[0].chunk.kind == "faq"


@pytest.mark.slow
def test_a_saved_change_is_dated_today_and_an_unchanged_save_keeps_its_date(
    corpus: Path, model_dir: str, embedder
) -> None:
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    library.rebuild()
    [report] = library.find("report", "zh")
    assert report.updated == "2023-04-13"
    library.update([report])  # saved as it was: the page did not change
    assert library.find("report", "zh")[0].updated == "2023-04-13"
    library.update([dataclasses.replace(report, body=report.body + "\n\n举报可以通过12315平台提交。")])
    assert library.find("report", "zh")[0].updated == today().isoformat()
