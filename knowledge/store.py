"""The index on disk: versioned build directories, an atomic ``current`` link, incremental rebuilds.

```
index_dir/
  current -> builds/20261127T051500Z-3f2a9c     (symlink, replaced atomically)
  builds/<build id>/                             (the files of one build: knowledge.build_files)
  build.lock                                     (held while a build runs)
```

A build writes a new directory next to the old ones and swaps ``current`` only when everything is on
disk, so a failed or killed build leaves the previous index serving. Unchanged documents reuse their chunks
and embeddings from the current build; a different model or chunking forces a full rebuild. With a
:class:`~knowledge.published.PublishedIndex`, builds are also published for other hosts (see there).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np

from knowledge.build_files import FORMAT_VERSION, GLOSSARY_FILE, Build, read_build, write_build
from knowledge.chunking import Chunk, chunk_document, chunk_sentences
from knowledge.documents import Document
from knowledge.embedding import Embedder
from knowledge.errors import IndexUnavailableError, KnowledgeError
from knowledge.glossary import Glossary
from knowledge.question_keys import embed_keys

if TYPE_CHECKING:
    from knowledge.published import PublishedIndex

CHUNKER_VERSION = 4  # bump when chunking.py changes how text is split
KEEP_BUILDS = 2


@dataclass(frozen=True)
class IndexConfig:
    """What an index depends on besides the documents; any change forces a full rebuild."""

    model: str
    model_fingerprint: str
    chunk_size: int = 300
    chunk_overlap: int = 1
    dense_index: str = "flat"
    # The glossary the build's searches use (a copy travels with the build); its change needs no re-embedding.
    glossary: Optional[Glossary] = None

    def chunking(self) -> Dict[str, int]:
        return {"size": self.chunk_size, "overlap": self.chunk_overlap, "version": CHUNKER_VERSION}

    def manifest(self) -> Dict:
        """What a build's manifest records of this configuration."""
        return {
            "model": self.model,
            "model_fingerprint": self.model_fingerprint,
            "chunking": self.chunking(),
            "dense_index": self.dense_index,
            **({"glossary": self.glossary.fingerprint} if self.glossary else {}),
        }


@dataclass
class BuildReport:
    build_id: Optional[str]
    full: bool
    added: List[str] = field(default_factory=list)
    changed: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    unchanged: List[str] = field(default_factory=list)
    glossary_changed: bool = False
    embedded_chunks: int = 0
    total_chunks: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def nothing_changed(self) -> bool:
        return self.build_id is None


class IndexStore:
    """Reads and writes the builds under ``index_dir``; ``published``: where builds are also published
    for other hosts, and taken from before a build (None: this host's files only)."""

    def __init__(self, index_dir: Path, published: Optional[PublishedIndex] = None) -> None:
        self.index_dir = Path(index_dir)
        self.builds_dir = self.index_dir / "builds"
        self.current_link = self.index_dir / "current"
        self.published = published

    # reading -------------------------------------------------------------------------------------
    def current_build_id(self) -> Optional[str]:
        try:
            return Path(os.readlink(self.current_link)).name
        except OSError:
            return None

    def read_manifest(self, build_id: Optional[str] = None) -> Optional[Dict]:
        build_id = build_id or self.current_build_id()
        if not build_id:
            return None
        try:
            return json.loads((self.builds_dir / build_id / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def has_build(self, build_id: str) -> bool:
        return (self.builds_dir / build_id / "manifest.json").is_file()

    def load(self, build_id: Optional[str] = None) -> Build:
        build_id = build_id or self.current_build_id()
        if not build_id:
            raise IndexUnavailableError(
                f"no knowledge index in {self.index_dir}: run 'python -m knowledge rebuild'"
            )
        return read_build(self.builds_dir / build_id)

    # writing -------------------------------------------------------------------------------------
    @contextmanager
    def lock(self, timeout: float = 600.0) -> Iterator[None]:
        """Only one build at a time, across processes (the lock dies with its process)."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / "build.lock", "w") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise KnowledgeError(
                            "another index build is still running; try again later"
                        ) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def build(
        self,
        documents: Sequence[Document],
        embedder: Embedder,
        config: IndexConfig,
        full: bool = False,
        progress: Optional[Callable[[int, int], None]] = None,
        after_embedding: Optional[Callable[[], None]] = None,
    ) -> BuildReport:
        """Build from ``documents`` and swap it in; returns what changed (no new build if nothing did).

        ``progress(done, total)`` is called as chunks are embedded. ``after_embedding`` runs before
        anything is written (tests use it to interrupt a build at its most expensive point).
        """
        started = time.monotonic()
        published = self.published
        with self.lock(), published.build_lock() if published else nullcontext():
            if published:
                published.pull(self)  # build on top of what every host serves
            previous = None
            manifest = self.read_manifest()
            compatible = manifest is not None and self._compatible(manifest, config)
            if compatible and not full:
                try:
                    previous = self.load()
                except IndexUnavailableError:
                    previous = None
            report = BuildReport(build_id=None, full=previous is None)
            old_docs = previous.manifest["documents"] if previous else {}
            reuse: Dict[str, List[int]] = {}
            if previous:
                for row, chunk in enumerate(previous.chunks):
                    reuse.setdefault(chunk.doc_key, []).append(row)

            chunks: List[Chunk] = []
            vectors: List[Optional[np.ndarray]] = []
            sentence_vectors: List[Optional[np.ndarray]] = []
            to_embed: List[int] = []
            doc_entries: Dict[str, Dict] = {}
            for document in documents:
                key = document.key
                old = old_docs.get(key)
                if old and old["hash"] == document.content_hash and key in reuse:
                    report.unchanged.append(key)
                    for row in reuse[key]:
                        chunks.append(previous.chunks[row])
                        vectors.append(previous.embeddings[row])
                        sentence_vectors.append(previous.sentence_vectors(row))
                    count = len(reuse[key])
                else:
                    (report.changed if old else report.added).append(key)
                    new_chunks = chunk_document(document, config.chunk_size, config.chunk_overlap)
                    for chunk in new_chunks:
                        to_embed.append(len(chunks))
                        chunks.append(chunk)
                        vectors.append(None)
                        sentence_vectors.append(None)
                    count = len(new_chunks)
                doc_entries[key] = {
                    "hash": document.content_hash,
                    "chunks": count,
                    "title": document.title,
                    "path": document.path,
                    "updated": document.updated,
                }
            report.removed = sorted(set(old_docs) - set(doc_entries))
            report.total_chunks = len(chunks)
            report.glossary_changed = bool(
                config.glossary and (manifest or {}).get("glossary") != config.glossary.fingerprint
            )
            if previous and not (report.added or report.changed or report.removed or report.glossary_changed):
                if published and published.current_build_id() is None:
                    published.publish(previous.build_id, self.builds_dir / previous.build_id)  # the first
                report.seconds = time.monotonic() - started
                return report

            done = 0

            def step(n: int) -> None:
                nonlocal done
                done += n
                if progress:
                    progress(done, len(to_embed))

            if progress:
                progress(0, len(to_embed))
            embed_started = time.monotonic()
            fresh = embedder.encode_passages([chunks[i].embed_text for i in to_embed], progress=step)
            split = [chunk_sentences(chunks[i].text) for i in to_embed]
            fresh_sentences = embedder.encode_sentences([s for sentences in split for s in sentences])
            report.embedded_chunks = len(to_embed)
            start = 0
            for position, row in enumerate(to_embed):
                vectors[row] = fresh[position]
                sentence_vectors[row] = fresh_sentences[start : start + len(split[position])]
                start += len(split[position])
            known = (previous.question_keys, previous.question_vectors) if previous else None
            keys, key_vectors = embed_keys(documents, embedder, known)
            report.embed_seconds = time.monotonic() - embed_started
            if after_embedding:
                after_embedding()
            dimension = embedder.dimension
            matrix = (
                np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, dimension), np.float32)
            )
            lengths = [len(v) for v in sentence_vectors]
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            sentences = (
                np.vstack([v for v in sentence_vectors if len(v)]).astype(np.float32)
                if offsets[-1]
                else np.zeros((0, dimension), np.float32)
            )
            report.build_id = self._write(
                matrix, chunks, doc_entries, config, (sentences, offsets), (keys, key_vectors)
            )
            report.seconds = time.monotonic() - started
            return report

    @staticmethod
    def _compatible(manifest: Dict, config: IndexConfig) -> bool:
        return (
            manifest.get("format") == FORMAT_VERSION
            and manifest.get("model_fingerprint") == config.model_fingerprint
            and manifest.get("chunking") == config.chunking()
            and manifest.get("dense_index") == config.dense_index
        )

    def _write(
        self,
        matrix: np.ndarray,
        chunks: List[Chunk],
        doc_entries: Dict[str, Dict],
        config: IndexConfig,
        sentence_matrix: tuple,
        question_keys: tuple,
    ) -> str:
        build_id = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:6]}"

        def write(work: Path) -> None:
            write_build(
                work, build_id, matrix, chunks, doc_entries, config.manifest(), sentence_matrix, question_keys
            )
            if config.glossary:
                (work / GLOSSARY_FILE).write_text(config.glossary.to_yaml(), encoding="utf-8")

        final = self.add_build(build_id, write, check=False)  # written just now: not loaded again
        if self.published:  # other hosts switch with this one, or neither does
            try:
                self.published.publish(build_id, final)
            except BaseException:
                shutil.rmtree(final, ignore_errors=True)
                raise
        self.switch_to(build_id)
        return build_id

    def switch_to(self, build_id: str) -> None:
        """Point ``current`` at a build already on disk, atomically; builds beyond the last
        :data:`KEEP_BUILDS` go."""
        link = self.index_dir / f".current-{build_id}"
        link.unlink(missing_ok=True)
        os.symlink(Path("builds") / build_id, link)
        os.replace(link, self.current_link)
        self._prune(keep=build_id)

    def add_build(self, build_id: str, write: Callable[[Path], None], check: bool = True) -> Path:
        """A new build directory: ``write(directory)`` puts the files in a temporary one, which joins the
        builds only once complete and, with ``check`` (a build made elsewhere), only if it loads. The caller
        holds the lock, and then switches to it."""
        self.builds_dir.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        work = self.builds_dir / f".tmp-{build_id}"
        try:
            write(work)
            if check:
                read_build(work)  # a build that does not load never becomes current
            final = self.builds_dir / build_id
            os.replace(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return final

    def _remove_leftovers(self) -> None:
        """Directories of builds that were killed before they finished (the lock is ours, so none runs)."""
        for path in self.builds_dir.glob(".tmp-*"):
            shutil.rmtree(path, ignore_errors=True)
        for path in self.index_dir.glob(".current-*"):
            path.unlink(missing_ok=True)

    def _prune(self, keep: str) -> None:
        builds = sorted(p for p in self.builds_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
        old = [p for p in builds if p.name != keep][: max(0, len(builds) - KEEP_BUILDS)]
        for path in old:
            shutil.rmtree(path, ignore_errors=True)
