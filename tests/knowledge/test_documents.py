"""Front matter validation: every error names the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.documents import load_document, load_documents, parse_document
from knowledge.errors import DocumentError

GOOD = """---
id: tm-report
title: 商标侵权举报
lang: zh
topics: [trademark, report]
source: plan, 二（二）4
updated: 2023-04-13
---
# 商标侵权举报

正文。
"""


def test_a_valid_document_round_trips() -> None:
    document = parse_document(GOOD, "tm.md")
    assert (document.id, document.lang, document.topics) == ("tm-report", "zh", ["trademark", "report"])
    assert document.key == "zh/tm-report"
    again = parse_document(document.to_markdown(), "again.md")
    assert again == document
    assert again.content_hash == document.content_hash


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("id: tm-report\n", ""), "id", "missing"),
        (("id: tm-report", "id: 'tm report!'"), "id", "letters, digits"),
        (("lang: zh", "lang: fr"), "lang", "one of"),
        (("updated: 2023-04-13", "updated: last week"), "updated", "date"),
        (("topics: [trademark, report]", "topics: []"), "topics", "non-empty"),
        (("title: 商标侵权举报\n", "title: ''\n"), "title", "missing or empty"),
        (("source: plan, 二（二）4\n", ""), "source", "missing"),
        (("updated: 2023-04-13", "updated: 2023-04-13\nauthor: me"), "author", "unknown field"),
    ],
)
def test_field_errors_name_file_and_field(change: tuple, field: str, message: str) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(DocumentError) as error:
        parse_document(text, "docs/zh/tm.md")
    assert error.value.field == field
    assert "docs/zh/tm.md" in str(error.value) and f"'{field}'" in str(error.value)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("# Just a heading\n\ntext", "no front matter"),
        ("---\nid: [unclosed\n---\nbody", "not valid YAML"),
        ("---\n- a list\n---\nbody", "mapping"),
        (GOOD.split("# 商标")[0], "no text"),
    ],
)
def test_file_level_errors(text: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_document(text, "x.md")


def test_duplicate_ids_in_one_language_are_refused(tmp_path: Path) -> None:
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "zh" / "b.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(DocumentError, match="duplicate id 'tm-report'"):
        load_documents(tmp_path)


def test_the_same_id_in_two_languages_is_fine(tmp_path: Path) -> None:
    (tmp_path / "zh").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "zh" / "a.md").write_text(GOOD, encoding="utf-8")
    english = GOOD.replace("lang: zh", "lang: en\ntranslation_of: tm-report").replace(
        "商标侵权举报", "Report"
    )
    (tmp_path / "en" / "a.md").write_text(english, encoding="utf-8")
    assert [d.key for d in load_documents(tmp_path)] == ["en/tm-report", "zh/tm-report"]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(DocumentError, match="not UTF-8"):
        load_document(path)


def test_the_shipped_knowledge_base_is_valid() -> None:
    documents = load_documents(Path(__file__).resolve().parents[2] / "knowledge" / "docs")
    for document in documents:
        if document.lang == "en":
            assert document.translation_of, f"{document.path}: English documents are translations"
