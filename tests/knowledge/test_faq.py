"""FAQ entries: built from staff's text or a document's section, always with a source; searched with the
documents from the next build on, answering their question (and only theirs) without a restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge import faq
from knowledge.base import KnowledgeBase
from knowledge.documents import load_documents, parse_document
from knowledge.errors import DocumentError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from tests.knowledge.conftest import QUESTIONS

FEE_ANSWER = "向市场监督管理部门申请行政调解不收取费用。"


def test_a_staff_written_answer_says_it_is_from_the_bureau_and_keeps_its_source() -> None:
    entry = faq.staff_answer(
        "faq-20261207-01",
        "zh",
        ["调解收费吗？", " 调解要花钱吗", "调解收费吗？"],
        FEE_ANSWER,
        "《专利纠纷行政调解办法》",
    )
    assert entry.kind == "faq" and entry.family == "faq-20261207-01"
    assert entry.source == "普陀区市场监督管理局工作人员撰写；《专利纠纷行政调解办法》"
    assert entry.questions == ("调解收费吗？", "调解要花钱吗")
    assert entry.title == "常见问题：调解收费吗"
    again = parse_document(entry.to_markdown(), "faq.md")  # what is written is what is read back
    assert (again.kind, again.questions, faq.answer_text(again)) == ("faq", entry.questions, FEE_ANSWER)


@pytest.mark.parametrize(
    ("questions", "answer", "source", "field"),
    [
        ([], FEE_ANSWER, "依据", "questions"),
        (["调解收费吗"], " ", "依据", "answer"),
        (["调解收费吗"], FEE_ANSWER, " ", "source"),
    ],
)
def test_an_entry_without_questions_answer_or_source_is_refused(questions, answer, source, field) -> None:
    with pytest.raises(DocumentError, match=field):
        faq.staff_answer("faq-1", "zh", questions, answer, source)


def test_a_passage_answer_answers_for_its_document_and_cites_it() -> None:
    document = parse_document(
        "---\nid: mediation\ntitle: 专利纠纷行政调解\nlang: zh\ntopics: [x]\nsource: 计划 二（一）3\nupdated: 2023-04-13\n---\n"
        "# 专利纠纷行政调解\n\n## 申请材料\n\n调解请求书和身份证明。\n\n## 司法确认\n\n协议可以申请司法确认。\n",
        "mediation.md",
    )
    assert list(faq.sections_of(document)) == ["专利纠纷行政调解 > 申请材料", "专利纠纷行政调解 > 司法确认"]
    entry = faq.passage_answer("faq-2", ["调解要交哪些材料"], document, "专利纠纷行政调解 > 申请材料")
    assert entry.family == "mediation" and faq.answer_text(entry) == "调解请求书和身份证明。"
    assert entry.source == "《专利纠纷行政调解》申请材料；计划 二（一）3"
    with pytest.raises(DocumentError, match="no section"):
        faq.passage_answer("faq-3", ["x"], document, "没有这一节")


def test_ids_are_numbered_per_day() -> None:
    day = dt.date(2026, 12, 7)
    assert faq.new_id([], day) == "faq-20261207-01"
    assert faq.new_id(["faq-20261207-01", "faq-20261207-02", "faq-20261206-05"], day) == "faq-20261207-03"


def test_entries_go_out_and_come_back_through_yaml_and_csv() -> None:
    entries = [
        faq.staff_answer("faq-1", "zh", ["调解收费吗", "调解要花钱吗"], FEE_ANSWER, "依据"),
        faq.staff_answer(
            "faq-1", "en", ["is mediation free"], "Mediation by the bureau is free of charge.", "basis"
        ),
    ]
    for back in (faq.from_yaml(faq.to_yaml(entries)), faq.from_csv(faq.to_csv(entries))):
        assert [(e.id, e.lang, e.questions, e.source, faq.answer_text(e)) for e in back] == [
            (e.id, e.lang, e.questions, e.source, faq.answer_text(e)) for e in entries
        ]
    with pytest.raises(DocumentError, match="entry 1.*source"):
        faq.from_yaml("- {id: faq-9, lang: zh, questions: [q], answer: a}")
    with pytest.raises(DocumentError, match="not valid YAML"):
        faq.from_yaml("- [unclosed")


@pytest.mark.slow
def test_an_entry_answers_its_question_from_the_next_build_and_leaves_others_alone(
    corpus: Path, model_dir: str, embedder
) -> None:
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    library.rebuild()
    base = KnowledgeBase(corpus.parent / "index", model_dir, embedder=embedder)
    before = base.answer("调解要不要交费", "zh")
    assert not (before.confident and before.results[0].chunk.kind == "faq")
    others = [(q, lang) for lang, docs in QUESTIONS.items() for pair in docs.values() for q in pair]
    ranked_before = {
        q: [(r.family, round(r.probability, 6)) for r in base.search(q, lang)] for q, lang in others
    }
    entries = [
        faq.staff_answer("faq-20261207-01", "zh", ["调解收费吗", "调解要不要交费"], FEE_ANSWER, "依据"),
        faq.staff_answer(
            "faq-20261207-01",
            "en",
            ["is mediation free of charge"],
            "Mediation by the bureau is free of charge.",
            "basis",
        ),
    ]
    report = library.add(entries)
    assert report.embedded_chunks == 2  # only the entries are embedded; the documents are reused
    assert (corpus / "faq" / "zh" / "faq-20261207-01.md").is_file()
    for question, lang, words in (
        ("调解要不要交费？", "zh", "不收取费用"),
        ("is mediation free of charge?", "en", "free of charge"),
    ):
        answer = base.answer(question, lang)  # the same base: it picks the new build up by itself
        assert answer.confident and answer.results[0].chunk.kind == "faq", question
        assert (
            words in answer.excerpt.text
            and "工作人员撰写" in answer.results[0].citation["source"]
            or lang == "en"
        )
    other = base.answer("假冒商标的商品去哪里举报", "zh")  # a question the entry does not answer
    assert other.confident and other.results[0].family == "report"
    # Entries steal nothing: every other question is ranked exactly as before, to the probability.
    ranked_after = {
        q: [(r.family, round(r.probability, 6)) for r in base.search(q, lang)] for q, lang in others
    }
    assert ranked_after == ranked_before
    assert {d.kind for d in load_documents(corpus)} == {"document", "faq"}
