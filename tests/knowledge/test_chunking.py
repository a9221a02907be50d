"""Sentence-aware chunking in both languages, with the heading path kept."""

from __future__ import annotations

import pytest

from knowledge.chunking import chunk_document, split_sentences, text_units
from knowledge.documents import parse_document


def _doc(body: str, lang: str = "zh", title: str = "标题"):
    return parse_document(
        f"---\nid: d\ntitle: {title}\nlang: {lang}\ntopics: [t]\nsource: s\nupdated: 2023-04-13\n---\n{body}",
        "d.md",
    )


def test_chinese_sentences_end_at_chinese_punctuation() -> None:
    assert split_sentences("可以举报吗？可以。请准备证据；包括照片！“引号里。”完") == [
        "可以举报吗？",
        "可以。",
        "请准备证据；",
        "包括照片！",
        "“引号里。”",
        "完",
    ]


def test_english_sentences() -> None:
    assert split_sentences("You can report it. Prepare evidence! Why? Because.") == [
        "You can report it.",
        "Prepare evidence!",
        "Why?",
        "Because.",
    ]


def test_chunks_respect_the_size_and_never_split_a_sentence() -> None:
    sentence = "商标侵权行为应当依法查处。"  # 12 units
    document = _doc("# 标题\n\n" + sentence * 40)
    chunks = chunk_document(document, size=100, overlap=0)
    assert len(chunks) >= 4
    for chunk in chunks:
        assert text_units(chunk.text) <= 100
        assert chunk.text.endswith("。") and chunk.text.startswith("商标")


def test_overlap_repeats_the_last_sentence() -> None:
    sentences = [f"第{i}句话说明一项规定。" for i in range(30)]
    chunks = chunk_document(_doc("".join(sentences)), size=60, overlap=1)
    for before, after in zip(chunks, chunks[1:], strict=False):
        last = split_sentences(before.text)[-1]
        assert after.text.startswith(last)


def test_heading_path_is_kept_with_each_chunk() -> None:
    body = "# 标题\n\n## 一、举报\n\n### 证据\n\n准备照片。\n\n## 二、调解\n\n可以调解。\n"
    chunks = chunk_document(_doc(body), size=300)
    assert [(c.section, c.text) for c in chunks] == [
        ("一、举报 > 证据", "准备照片。"),
        ("二、调解", "可以调解。"),
    ]
    assert chunks[0].embed_text.startswith("标题 > 一、举报 > 证据\n")
    assert [c.chunk_id for c in chunks] == ["zh/d#0", "zh/d#1"]


def test_english_chunks_join_with_spaces_and_count_words() -> None:
    body = "# Title\n\n" + " ".join(f"Rule number {i} applies to every seller." for i in range(60))
    chunks = chunk_document(_doc(body, lang="en", title="Title"), size=120, overlap=0)
    assert len(chunks) > 3
    assert all(text_units(c.text) <= 120 for c in chunks)
    assert "seller. Rule" in chunks[0].text


def test_an_over_long_sentence_is_cut() -> None:
    chunks = chunk_document(_doc("很" * 1000), size=300, overlap=0)
    assert len(chunks) == 4 and all(text_units(c.text) <= 300 for c in chunks)


@pytest.mark.parametrize(("size", "overlap"), [(5, 0), (300, -1)])
def test_bad_settings_are_refused(size: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        chunk_document(_doc("正文。"), size=size, overlap=overlap)
