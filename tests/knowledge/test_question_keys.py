"""Question keys: what each document is searched by besides its passages, kept in the index build."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.documents import parse_document
from knowledge.errors import DocumentError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.question_keys import KeyIndex, keys_of
from tests.knowledge.conftest import write_doc

QUESTIONS = """questions:
  - "假货去哪投诉"
  - "假货去哪投诉"
  - "举报要准备什么材料？"
"""
DOC = """\
---
id: report
title: 如何举报假货
lang: zh
topics: [report]
source: test
updated: 2023-04-13
questions:
  - "假货去哪投诉"
  - "假货去哪投诉"
  - "举报要准备什么材料？"
---
# 如何举报假货

*本文为示例。*

## 可以向谁举报

向市场监管部门举报。

## 需要准备哪些材料

商标注册证和购买凭证。
"""


def test_keys_are_the_title_headings_and_questions_each_once() -> None:
    keys = keys_of(parse_document(DOC))
    assert [k.text for k in keys] == [
        "如何举报假货",
        "可以向谁举报",
        "需要准备哪些材料",
        "假货去哪投诉",
        "举报要准备什么材料？",
    ]
    assert {(k.family, k.lang, k.doc_key) for k in keys} == {("report", "zh", "zh/report")}


def test_questions_must_be_a_list_of_text() -> None:
    for bad in ("questions: 假货去哪投诉", "questions: [1, 2]", "questions:\n  - ''"):
        with pytest.raises(DocumentError, match="questions"):
            parse_document(DOC.replace(QUESTIONS, bad + "\n", 1))


def test_a_document_round_trips_with_its_questions() -> None:
    document = parse_document(DOC)
    assert parse_document(document.to_markdown()).questions == ("假货去哪投诉", "举报要准备什么材料？")


def _library_of_doc(tmp_path: Path, model_dir: str, embedder) -> tuple:  # noqa: ANN001 - the fixture's type
    """A library over a corpus holding :data:`DOC`, not built yet; and the corpus directory."""
    corpus = tmp_path / "docs"
    (corpus / "zh").mkdir(parents=True)
    (corpus / "zh" / "report.md").write_text(DOC, encoding="utf-8")
    library = KnowledgeLibrary(
        LibraryConfig(docs_dir=corpus, index_dir=tmp_path / "index", embedding_model=model_dir),
        embedder=embedder,
    )
    return library, corpus


@pytest.mark.slow
def test_the_build_keeps_the_keys_and_a_question_matches_its_document_best(
    tmp_path: Path, model_dir: str, embedder
) -> None:
    library, corpus = _library_of_doc(tmp_path, model_dir, embedder)
    write_doc(
        corpus,
        "zh",
        "secrets",
        "商业秘密保护",
        "企业应签订保密协议，限制涉密信息的访问。",
        questions='["员工带走客户名单怎么办"]',
    )
    library.rebuild()
    build = library.store.load()
    assert len(build.question_keys) == len(build.question_vectors) == 7
    assert library.store.read_manifest()["counts"]["question_keys"] == 7
    for question, family in (("卖假货的去哪里投诉", "report"), ("离职员工拿走了客户资料", "secrets")):
        found = KeyIndex(build.question_keys, build.question_vectors).match(
            embedder.encode_queries([question])[0]
        )
        assert found.gap(family) > 0, (question, found.best)
    # A later build without a change of questions reuses their vectors: the same keys, the same vectors.
    write_doc(
        corpus,
        "zh",
        "secrets",
        "商业秘密保护",
        "企业应签订保密协议。",
        questions='["员工带走客户名单怎么办"]',
    )
    library.rebuild()
    again = library.store.load()
    assert [k.text for k in again.question_keys] == [k.text for k in build.question_keys]
    assert (again.question_vectors == build.question_vectors).all()


@pytest.mark.slow
def test_the_evaluation_tells_questions_a_key_nearly_spells_out(
    tmp_path: Path, model_dir: str, embedder
) -> None:
    from knowledge.base import KnowledgeBase
    from knowledge.evaluate import keyed_questions

    _library_of_doc(tmp_path, model_dir, embedder)[0].rebuild()
    base = KnowledgeBase(tmp_path / "index", model_dir, embedder=embedder)
    texts = ["假货去哪投诉？", "how do patent pools share royalties between members"]
    assert keyed_questions(base, texts) == {"假货去哪投诉？"}
    assert keyed_questions(base, []) == set()
