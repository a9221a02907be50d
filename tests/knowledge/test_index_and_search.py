"""The index on disk and hybrid search, with the real embedding model and a real faiss index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.confidence import RIVAL
from knowledge.errors import IndexUnavailableError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.store import IndexStore
from tests.knowledge.conftest import write_doc

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _library(corpus: Path, model_dir: str, embedder, **changes) -> KnowledgeLibrary:
    config = LibraryConfig(
        docs_dir=corpus, index_dir=corpus.parent / "index", embedding_model=model_dir, **changes
    )
    return KnowledgeLibrary(config, embedder=embedder)


def _base(library: KnowledgeLibrary) -> KnowledgeBase:
    return KnowledgeBase(library.config.index_dir, library.config.embedding_model, embedder=library.embedder)


@pytest.fixture
def library(corpus: Path, model_dir: str, embedder) -> KnowledgeLibrary:
    library = _library(corpus, model_dir, embedder)
    library.rebuild()
    return library


def test_manifest_describes_the_build(library: KnowledgeLibrary) -> None:
    manifest = library.store.read_manifest()
    assert manifest["dimension"] == 384
    assert manifest["chunking"] == {"size": 300, "overlap": 1, "version": 4}
    assert manifest["counts"]["documents"] == 14
    assert (
        manifest["counts"]["chunks"]
        == manifest["counts"]["languages"]["zh"] + manifest["counts"]["languages"]["en"]
    )
    assert set(manifest["documents"]["zh/report"]) >= {"hash", "chunks", "title"}
    assert manifest["built_at"]


def test_only_changed_documents_are_embedded_again(library: KnowledgeLibrary, corpus: Path) -> None:
    before = library.embedder.encoded_passages
    assert library.rebuild().nothing_changed
    assert library.embedder.encoded_passages == before

    write_doc(corpus, "zh", "report", "商标侵权举报", "发现假冒商品可以举报。举报时请准备商标注册证。")
    report = library.rebuild()
    assert report.changed == ["zh/report"] and report.added == [] and not report.full
    assert report.embedded_chunks == 1
    assert library.embedder.encoded_passages == before + 1

    (corpus / "en" / "expo.md").unlink()
    report = library.rebuild()
    assert report.removed == ["en/expo"] and report.embedded_chunks == 0
    assert library.embedder.encoded_passages == before + 1


def test_other_chunk_settings_force_a_full_rebuild(
    library: KnowledgeLibrary, corpus: Path, model_dir, embedder
) -> None:
    other = _library(corpus, model_dir, embedder, chunk_size=200)
    report = other.rebuild()
    assert report.full and report.embedded_chunks == report.total_chunks == 14


def test_a_failed_build_leaves_the_previous_index_serving(library: KnowledgeLibrary, corpus: Path) -> None:
    current = library.store.current_build_id()
    write_doc(corpus, "zh", "new", "新文档", "这是一个新文档。")

    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        library.store.build(
            library.documents(), library.embedder, library.index_config(), after_embedding=interrupt
        )
    assert library.store.current_build_id() == current
    assert "zh/new" not in library.store.load().manifest["documents"]


def test_a_killed_build_leaves_the_previous_index_loadable(library: KnowledgeLibrary, corpus: Path) -> None:
    """A real SIGKILL in the middle of a build, in another process."""
    current = library.store.current_build_id()
    write_doc(corpus, "zh", "killed", "被中断的文档", "这个文档的索引构建被强行终止。")
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from knowledge.library import KnowledgeLibrary, LibraryConfig
        lib = KnowledgeLibrary(LibraryConfig({str(corpus)!r}, {str(library.config.index_dir)!r},
                                             {library.config.embedding_model!r}))
        store = lib.store
        original = store._write
        def write_then_die(*args, **kwargs):
            (store.builds_dir / ".tmp-half-written").mkdir(parents=True, exist_ok=True)
            (store.builds_dir / ".tmp-half-written" / "chunks.jsonl").write_text("garbage")
            os.kill(os.getpid(), signal.SIGKILL)
        store._write = write_then_die
        lib.rebuild()
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, timeout=300)
    assert result.returncode == -9
    assert library.store.current_build_id() == current
    loaded = IndexStore(library.config.index_dir).load()
    assert "zh/killed" not in loaded.manifest["documents"]
    # The next build cleans up and succeeds.
    report = library.rebuild()
    assert report.added == ["zh/killed"]
    assert not list(library.store.builds_dir.glob(".tmp-*"))


def test_two_builds_cannot_interleave(library: KnowledgeLibrary) -> None:
    with (
        library.store.lock(),
        pytest.raises(Exception, match="another index build"),
        library.store.lock(timeout=0.5),
    ):
        pass


def test_the_reader_reloads_when_a_new_build_appears(library: KnowledgeLibrary, corpus: Path) -> None:
    base = _base(library)
    assert base.search("海关扣货", k=1)[0].chunk.doc_id == "overseas"
    assert base.reloads == 1
    write_doc(
        corpus,
        "zh",
        "fair",
        "展会知识产权保护",
        "展会期间发现展品侵犯专利权的，可以向展会知识产权投诉站投诉。",
    )
    library.rebuild()
    assert base.search("展会上展品侵犯专利权", k=1)[0].chunk.doc_id == "fair"
    assert base.reloads == 2


@pytest.mark.parametrize(
    ("question", "lang", "doc_id", "doc_lang"),
    [
        ("网上有人卖假冒我们商标的东西，怎么举报", "zh", "report", "zh"),
        ("调解协议法院确认以后对方不履行怎么办", "zh", "mediation", "zh"),
        ("员工跳槽带走了客户名单", "zh", "secrets", "zh"),
        ("how do I report fake goods with our trademark", "en", "report", "en"),
        ("what happens if the other side ignores a confirmed mediation agreement", "en", "mediation", "en"),
        ("our shipment was detained by customs abroad for infringement", "en", "overseas", "en"),
        # Only a Chinese document answers these: the answer crosses languages.
        ("an ex-employee took our customer list to a competitor", "en", "secrets", "zh"),
        ("are geographical indication products inspected during festivals", "en", "gi", "zh"),
    ],
)
def test_hybrid_search_ranks_the_right_passage_first(library, question, lang, doc_id, doc_lang) -> None:
    best = _base(library).search(question, lang=lang, k=3)[0]
    assert (best.chunk.doc_id, best.chunk.lang) == (doc_id, doc_lang)
    assert best.citation["title"] and best.citation["source"] == "test corpus"


def test_same_language_passages_come_first_when_they_answer(library) -> None:
    results = _base(library).search("如何申请专利纠纷调解", lang="zh", k=2)
    assert results[0].chunk.lang == "zh" and results[0].confident


def test_results_carry_scores_and_citations(library) -> None:
    result = _base(library).search("商标侵权举报要准备什么证据", k=1)[0]
    data = result.to_dict()
    assert set(data["citation"]) == {"doc_id", "title", "section", "source", "source_url", "lang", "updated"}
    assert data["confident"] is True and 0 < data["dense_score"] <= 1 and data["lexical_score"] > 0
    json.dumps(data, ensure_ascii=False)


def test_the_second_stage_judges_each_document_with_its_best_rival(library) -> None:
    base = _base(library)
    second = base.searcher().confidence.second
    assert second is not None  # the shipped model has both stages
    results = base.search("商标侵权举报要准备什么证据", k=3)
    assert len({r.family for r in results}) == len(results) == 3
    for result in results:  # the second stage's probability and decision
        assert result.probability == pytest.approx(second.probability(result.features))
        assert result.confident == (result.probability >= second.threshold)
    # ranked by the first stage; each document's rival is the most probable other one
    first_stage = [r.features["first_stage"] for r in results]
    assert first_stage == sorted(first_stage, reverse=True)
    assert results[0].features[RIVAL] == pytest.approx(first_stage[1])
    assert results[2].features[RIVAL] == pytest.approx(first_stage[0])


@pytest.mark.parametrize("question", ["今天天气怎么样", "tell me a joke", "what's a good restaurant nearby"])
def test_unrelated_questions_are_not_confident(library, question) -> None:
    assert not any(r.confident for r in _base(library).search(question, k=3))


def test_no_index_and_wrong_model_are_clear_errors(
    tmp_path: Path, library: KnowledgeLibrary, model_dir
) -> None:
    with pytest.raises(IndexUnavailableError, match="no knowledge index"):
        KnowledgeBase(tmp_path / "nothing", model_dir).search("商标")
    other_model = tmp_path / "other-model"
    other_model.mkdir()
    (other_model / "config.json").write_text("{}")
    with pytest.raises(IndexUnavailableError, match="built with"):
        KnowledgeBase(library.config.index_dir, str(other_model)).search("商标")


def test_a_damaged_index_is_reported_not_crashed(library: KnowledgeLibrary) -> None:
    build = library.store.builds_dir / library.store.current_build_id()
    (build / "embeddings.npy").write_bytes(b"not numpy")
    with pytest.raises(IndexUnavailableError, match="damaged"):
        _base(library).search("商标")
