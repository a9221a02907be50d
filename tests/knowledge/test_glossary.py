"""The glossary as staff data: validated, round-tripped, searched with synonyms, carried by each build."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import glossary
from knowledge.base import KnowledgeBase
from knowledge.glossary import GlossaryError, make_entry, parse
from knowledge.lexical import query_words
from knowledge.library import KnowledgeLibrary, LibraryConfig


def test_the_packaged_glossary_reads_back_exactly_as_written() -> None:
    packaged = glossary.load()
    assert len(packaged.entries) > 100 and packaged.find("trademark").zh == ("商标",)
    assert parse(packaged.to_yaml()) == packaged


@pytest.mark.parametrize(
    "text, words",
    [
        ("terms: [{en: 商标, zh: [商标]}]", "English term"),
        ("terms: [{en: brand, zh: [brand]}]", "Chinese terms"),
        ("terms: [{en: brand}]", "'zh' is missing"),
        ("terms: [{en: brand, zh: [品牌]}, {en: Brand, zh: [商标]}]", "appears twice"),
        ("terms: [{en: brand, zh: [品牌], notes: x}]", "entry 1"),
        ("terms: [", "not valid YAML"),
        ("words: []", "expected 'terms:'"),
    ],
)
def test_a_malformed_glossary_is_refused_naming_the_entry(text: str, words: str) -> None:
    with pytest.raises(GlossaryError) as error:
        parse(text)
    assert words in str(error.value)


def test_synonyms_are_searched_as_their_entrys_terms_in_both_languages() -> None:
    entry = make_entry("counterfeit", "假冒, 假货", "山寨, knock-off")
    g = glossary.Glossary((entry,))
    terms, share = g.expand("山寨货去哪举报")
    assert {"counterfeit", "假冒", "假货"} <= set(terms) and share > 0
    terms, _ = g.expand("where to report knock-offs")
    assert {"counterfeit", "假冒"} <= set(terms)
    assert g.chinese_terms() == ["假冒", "假货"]  # a synonym is not a spelling target
    assert g.jieba_words() == {"假冒", "假货", "山寨"}


def test_the_glossary_in_use_decides_jiebas_words() -> None:
    before = glossary.current()
    try:
        glossary.use(glossary.Glossary((make_entry("criminal", "行刑衔接"),)))
        assert "行刑衔接" in query_words("做好行刑衔接工作")
        glossary.use(glossary.Glossary((make_entry("criminal", "刑事"),)))
        assert "行刑衔接" not in query_words("做好行刑衔接工作")  # a dropped term is forgotten
    finally:
        glossary.use(before)


@pytest.mark.slow
def test_a_glossary_change_is_live_after_a_rebuild_that_embeds_nothing(
    corpus: Path, model_dir: str, embedder
) -> None:
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    library.rebuild()
    knowledge = KnowledgeBase(corpus.parent / "index", model_dir, embedder=embedder)
    question = "李鬼"  # slang for a counterfeit, a word no document uses
    assert not knowledge.searcher().lexical.search(question, 5) and library.pending() == []

    g = library.glossary()
    entry = g.find("counterfeit")
    changed = g.with_entry(make_entry(entry.en, entry.zh, [*entry.synonyms, "李鬼"]))
    report = library.save_glossary(changed)
    assert report.glossary_changed and report.embedded_chunks == 0 and report.build_id
    assert (corpus.parent / "glossary.yml").is_file() and library.pending() == []
    searcher = knowledge.searcher()  # the same base picks the new build up by itself
    assert searcher.build.glossary == changed
    hits = searcher.lexical.search(question, 5)
    assert hits and searcher.build.chunks[searcher._lexical_rows[hits[0].row]].doc_id == "report"
