"""Index builds published through a real PostgreSQL server: every host serves the same current build."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from bot.launch.infra import PostgresServer
from knowledge.base import KnowledgeBase
from knowledge.documents import load_document
from knowledge.embedding import model_fingerprint
from knowledge.errors import KnowledgeError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.published import PublishedIndex, pack
from tests.knowledge.conftest import write_doc

NEW_DOC = ("drill", "应急演练", "园区每季度组织一次知识产权纠纷应急演练，演练结束后形成书面评估报告。")
QUESTION = "应急演练多久组织一次？"
_numbers = itertools.count()


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    """A database of its own for each test."""
    return postgres_server.create_database(f"knowledge_{os.getpid()}_{next(_numbers)}")


_bases: list = []


@pytest.fixture(autouse=True)
def _close_bases() -> Iterator[None]:
    """Every knowledge base a test made stops following its database before the database goes away."""
    yield
    while _bases:
        _bases.pop().close()
    assert not [t for t in threading.enumerate() if t.name == "knowledge-follower" and t.is_alive()]


def host(tmp_path: Path, name: str, corpus: Path, model_dir: str, embedder, url: str):  # noqa: ANN001, ANN201
    """One host's library (its documents, its index directory) and knowledge base, on one database."""
    index = tmp_path / name / "index"
    library = KnowledgeLibrary(LibraryConfig(corpus, index, model_dir, database_url=url), embedder=embedder)
    base = KnowledgeBase(
        index, model_dir, embedder=embedder, published=PublishedIndex(url), follow_seconds=60
    )
    _bases.append(base)
    return library, base


def found(base: KnowledgeBase, question: str) -> str:
    results = base.search(question, "zh")
    return results[0].chunk.doc_id if results else ""


def test_a_change_built_on_one_host_is_served_by_another(
    tmp_path: Path, corpus: Path, model_dir: str, embedder, database: str
) -> None:
    library_a, base_a = host(tmp_path, "a", corpus, model_dir, embedder, database)
    _, base_b = host(tmp_path, "b", corpus, model_dir, embedder, database)
    first = library_a.rebuild()
    assert PublishedIndex(database).current_build_id() == first.build_id

    # Host B has no index of its own: its first search takes the published one.
    assert found(base_b, "假冒注册商标怎么举报") == "report"
    assert base_b.store.current_build_id() == first.build_id

    doc_id, title, body = NEW_DOC
    document = write_doc(tmp_path / "staging", "zh", doc_id, title, body)
    second = library_a.add([load_document(document)])
    assert found(base_a, QUESTION) == doc_id
    assert base_b.follower.sync_once() == second.build_id  # what its background thread does every few s
    assert found(base_b, QUESTION) == doc_id

    library_a.remove(doc_id)
    base_b.follower.sync_once()
    assert found(base_b, QUESTION) != doc_id
    assert base_b.reloads == 3


def test_a_build_starts_from_the_published_one(
    tmp_path: Path, corpus: Path, model_dir: str, embedder, database: str
) -> None:
    """Host B builds after host A: it takes A's build first and embeds only what it changed itself."""
    library_a, _ = host(tmp_path, "a", corpus, model_dir, embedder, database)
    library_b, base_b = host(tmp_path, "b", corpus, model_dir, embedder, database)
    library_a.rebuild()
    (corpus / "zh" / "gi.md").write_text(
        (corpus / "zh" / "gi.md").read_text(encoding="utf-8") + "\n应季产品在春节前重点检查。\n",
        encoding="utf-8",
    )
    report = library_b.rebuild()
    assert report.changed == ["zh/gi"] and report.embedded_chunks == 1
    assert PublishedIndex(database).current_build_id() == report.build_id == base_b.store.current_build_id()


def test_the_first_build_with_an_empty_database_publishes_the_local_index(
    tmp_path: Path, corpus: Path, model_dir: str, embedder, database: str
) -> None:
    index = tmp_path / "a" / "index"
    local = KnowledgeLibrary(LibraryConfig(corpus, index, model_dir), embedder=embedder).rebuild()
    library, _ = host(tmp_path, "a", corpus, model_dir, embedder, database)
    report = library.rebuild()
    assert report.nothing_changed
    assert PublishedIndex(database).current_build_id() == local.build_id


def test_a_build_that_cannot_be_published_switches_no_host(
    tmp_path: Path, corpus: Path, model_dir: str, embedder, database: str
) -> None:
    library, base = host(tmp_path, "a", corpus, model_dir, embedder, database)
    serving = library.rebuild().build_id
    unreachable = "postgresql://postgres@127.0.0.1:9/nowhere"
    offline = KnowledgeLibrary(
        LibraryConfig(corpus, tmp_path / "a" / "index", model_dir, database_url=unreachable),
        embedder=embedder,
    )
    doc_id, title, body = NEW_DOC
    document = load_document(write_doc(tmp_path / "staging", "zh", doc_id, title, body))
    with pytest.raises(KnowledgeError, match="cannot|failed"):
        offline.add([document])
    assert not (corpus / "zh" / f"{doc_id}.md").exists()  # the document is put back as it was
    assert base.store.current_build_id() == serving == PublishedIndex(database).current_build_id()
    assert found(base, QUESTION) != doc_id


def test_a_published_build_that_does_not_load_is_not_taken(
    tmp_path: Path, corpus: Path, model_dir: str, embedder, database: str
) -> None:
    library, _ = host(tmp_path, "a", corpus, model_dir, embedder, database)
    serving = library.rebuild().build_id
    _, base_b = host(tmp_path, "b", corpus, model_dir, embedder, database)
    assert found(base_b, "假冒注册商标怎么举报") == "report"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{}", encoding="utf-8")
    with psycopg.connect(database) as connection:
        connection.execute(
            "INSERT INTO knowledge_builds (build_id, manifest, archive) VALUES ('broken', '{}', %s)",
            (pack(broken),),
        )
        connection.execute("UPDATE knowledge_current SET build_id = 'broken'")
    assert base_b.follower.sync_once() is None
    assert base_b.store.current_build_id() == serving
    assert not (base_b.store.builds_dir / "broken").exists()
    assert found(base_b, "假冒注册商标怎么举报") == "report"


def test_the_same_model_built_on_two_hosts_has_one_fingerprint(tmp_path: Path, model_dir: str) -> None:
    """Each host builds its own copy of the model (``make model``): its card's build time and measured
    cosines differ, and must not make one host refuse the other's index builds."""
    copies = []
    for name, change in (("a", {}), ("b", {"built": "2027-01-01T00:00:00+0000", "verification": {"x": 1}})):
        copy = tmp_path / name
        copy.mkdir()
        for file in ("config.json", "modules.json", "config_sentence_transformers.json"):
            shutil.copy(Path(model_dir) / file, copy / file)
        card = json.loads((Path(model_dir) / "model_card.json").read_text(encoding="utf-8"))
        (copy / "model_card.json").write_text(json.dumps({**card, **change}), encoding="utf-8")
        copies.append(copy)
    assert model_fingerprint(str(copies[0])) == model_fingerprint(str(copies[1]))
    card = json.loads((copies[1] / "model_card.json").read_text(encoding="utf-8"))
    card["origin"]["weights"]["sha256"] = "0" * 64  # other weights: another model
    (copies[1] / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    assert model_fingerprint(str(copies[0])) != model_fingerprint(str(copies[1]))
