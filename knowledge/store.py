"""The index on disk: versioned build directories, an atomic ``current`` link, incremental rebuilds.

```
index_dir/
  current -> builds/20261127T051500Z-3f2a9c     (symlink, replaced atomically)
  builds/<build id>/manifest.json  chunks.jsonl  embeddings.npy  dense.faiss
                    sentences.npy  sentence_offsets.npy   (one vector per sentence of each chunk)
                    questions.jsonl  questions.npy         (question keys: knowledge.question_keys)
  build.lock                                     (held while a build runs)
```

A build writes a new directory next to the old ones and swaps ``current`` only when everything is on
disk, so a failed or killed build leaves the previous index serving. Unchanged documents reuse their chunks
and embeddings from the current build; a different model or chunking forces a full rebuild.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np

from knowledge.chunking import Chunk, chunk_document, chunk_sentences
from knowledge.dense import DenseIndex
from knowledge.documents import Document
from knowledge.embedding import Embedder
from knowledge.errors import IndexUnavailableError, KnowledgeError
from knowledge.question_keys import QuestionKey, keys_of

FORMAT_VERSION = 3  # 2: sentence embeddings (sentences.npy, sentence_offsets.npy); 3: question keys
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

    def chunking(self) -> Dict[str, int]:
        return {"size": self.chunk_size, "overlap": self.chunk_overlap, "version": CHUNKER_VERSION}


def model_fingerprint(model: str) -> str:
    """Identify a model's weights cheaply: its config files and its weight files' sizes."""
    path = Path(model).expanduser()
    if not path.is_dir():
        return f"id:{model}"
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "model_card.json", "config_sentence_transformers.json"):
        if (path / name).is_file():
            digest.update((path / name).read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return digest.hexdigest()[:16]


@dataclass
class Build:
    """A loaded index build."""

    build_id: str
    path: Path
    manifest: Dict
    chunks: List[Chunk]
    embeddings: np.ndarray
    dense: DenseIndex
    # Sentence vectors of chunk ``row`` are ``sentences[offsets[row]:offsets[row + 1]]``, in the order of
    # ``chunk_sentences(chunks[row].text)``; None for a build made without them (then lexical only).
    sentences: Optional[np.ndarray] = None
    sentence_offsets: Optional[np.ndarray] = None
    # Question keys of every document and their query embeddings, row for row.
    question_keys: List[QuestionKey] = field(default_factory=list)
    question_vectors: Optional[np.ndarray] = None

    def sentence_vectors(self, row: int) -> Optional[np.ndarray]:
        if self.sentences is None or self.sentence_offsets is None:
            return None
        return self.sentences[self.sentence_offsets[row] : self.sentence_offsets[row + 1]]


@dataclass
class BuildReport:
    build_id: Optional[str]
    full: bool
    added: List[str] = field(default_factory=list)
    changed: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    unchanged: List[str] = field(default_factory=list)
    embedded_chunks: int = 0
    total_chunks: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def nothing_changed(self) -> bool:
        return self.build_id is None


class IndexStore:
    """Reads and writes the builds under ``index_dir``."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.builds_dir = self.index_dir / "builds"
        self.current_link = self.index_dir / "current"

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

    def load(self, build_id: Optional[str] = None) -> Build:
        build_id = build_id or self.current_build_id()
        if not build_id:
            raise IndexUnavailableError(
                f"no knowledge index in {self.index_dir}: run 'python -m knowledge rebuild'"
            )
        path = self.builds_dir / build_id
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            with open(path / "chunks.jsonl", encoding="utf-8") as f:
                chunks = [Chunk.from_dict(json.loads(line)) for line in f if line.strip()]
            embeddings = np.load(path / "embeddings.npy")
            dense = DenseIndex.load(path / "dense.faiss", manifest.get("dense_index", "flat"))
            sentences = np.load(path / "sentences.npy")
            offsets = np.load(path / "sentence_offsets.npy")
            with open(path / "questions.jsonl", encoding="utf-8") as f:
                keys = [QuestionKey.from_dict(json.loads(line)) for line in f if line.strip()]
            key_vectors = np.load(path / "questions.npy")
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            message = f"the knowledge index {path} is damaged ({error}): rebuild it"
            raise IndexUnavailableError(message) from error
        if not (
            len(chunks) == len(embeddings) == len(dense) == manifest["counts"]["chunks"] == len(offsets) - 1
            and offsets[-1] == len(sentences)
            and len(keys) == len(key_vectors)
        ):
            raise IndexUnavailableError(f"the knowledge index {path} is inconsistent: rebuild it")
        return Build(
            build_id, path, manifest, chunks, embeddings, dense, sentences, offsets, keys, key_vectors
        )

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
        with self.lock():
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
            if previous and not (report.added or report.changed or report.removed):
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
            keys, key_vectors = self._question_keys(documents, embedder, previous)
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
                matrix, chunks, doc_entries, config, dimension, (sentences, offsets), (keys, key_vectors)
            )
            report.seconds = time.monotonic() - started
            return report

    @staticmethod
    def _question_keys(documents: Sequence[Document], embedder: Embedder, previous: Optional[Build]) -> tuple:
        """Every document's question keys and their vectors; keys the previous build had are reused."""
        keys = [key for document in documents for key in keys_of(document)]
        known: Dict[tuple, np.ndarray] = {}
        if previous is not None and previous.question_vectors is not None:
            for key, vector in zip(previous.question_keys, previous.question_vectors, strict=True):
                known[(key.lang, key.text)] = vector
        missing = sorted({(k.lang, k.text) for k in keys} - set(known))
        if missing:
            fresh = embedder.encode_queries([text for _, text in missing])
            known.update(zip(missing, fresh, strict=True))
        dimension = embedder.dimension
        vectors = (
            np.vstack([known[(k.lang, k.text)] for k in keys]).astype(np.float32)
            if keys
            else np.zeros((0, dimension), np.float32)
        )
        return keys, vectors

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
        dimension: int,
        sentence_matrix: tuple,
        question_keys: tuple,
    ) -> str:
        now = dt.datetime.now(dt.timezone.utc)
        build_id = f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:6]}"
        self.builds_dir.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        work = self.builds_dir / f".tmp-{build_id}"
        work.mkdir()
        try:
            with open(work / "chunks.jsonl", "w", encoding="utf-8") as f:
                for chunk in chunks:
                    f.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
            np.save(work / "embeddings.npy", matrix)
            np.save(work / "sentences.npy", sentence_matrix[0])
            np.save(work / "sentence_offsets.npy", sentence_matrix[1])
            with open(work / "questions.jsonl", "w", encoding="utf-8") as f:
                for key in question_keys[0]:
                    f.write(json.dumps(key.to_dict(), ensure_ascii=False) + "\n")
            np.save(work / "questions.npy", question_keys[1])
            dense = DenseIndex(dimension, config.dense_index)
            if len(matrix):
                dense.add(matrix)
            dense.save(work / "dense.faiss")
            manifest = {
                "format": FORMAT_VERSION,
                "build_id": build_id,
                "model": config.model,
                "model_fingerprint": config.model_fingerprint,
                "dimension": dimension,
                "chunking": config.chunking(),
                "dense_index": config.dense_index,
                "documents": doc_entries,
                "counts": {
                    "documents": len(doc_entries),
                    "chunks": len(chunks),
                    "question_keys": len(question_keys[0]),
                    "languages": _count_languages(chunks),
                },
                "built_at": now.isoformat(timespec="seconds"),
            }
            (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
            for path in work.iterdir():
                with open(path, "rb") as f:
                    os.fsync(f.fileno())
            final = self.builds_dir / build_id
            os.replace(work, final)
            link = self.index_dir / f".current-{build_id}"
            os.symlink(Path("builds") / build_id, link)
            os.replace(link, self.current_link)  # the atomic switch
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        self._prune(keep=build_id)
        return build_id

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


def _count_languages(chunks: Sequence[Chunk]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for chunk in chunks:
        counts[chunk.lang] = counts.get(chunk.lang, 0) + 1
    return counts
