"""One index build on disk: the files of a build directory, written once and read back whole.

```
builds/<build id>/manifest.json  chunks.jsonl  embeddings.npy  dense.faiss
                  sentences.npy  sentence_offsets.npy   (one vector per sentence of each chunk)
                  questions.jsonl  questions.npy         (question keys: knowledge.question_keys)
```

:mod:`knowledge.store` decides what goes into a build and swaps it in; this module knows the files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from knowledge.chunking import Chunk
from knowledge.dense import DenseIndex
from knowledge.errors import IndexUnavailableError, KnowledgeError
from knowledge.glossary import Glossary, parse
from knowledge.question_keys import QuestionKey

FORMAT_VERSION = 4  # 2: sentence embeddings (sentences.npy, sentence_offsets.npy); 3: question keys;
# 4: passages carry their document's dates (updated, effective, expires)
GLOSSARY_FILE = "glossary.yml"  # the glossary the build was made with (knowledge.glossary)


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
    glossary: Optional[Glossary] = None  # the copy made with the build (None: an older build, the file's)

    def sentence_vectors(self, row: int) -> Optional[np.ndarray]:
        if self.sentences is None or self.sentence_offsets is None:
            return None
        return self.sentences[self.sentence_offsets[row] : self.sentence_offsets[row + 1]]


def read_build(path: Path) -> Build:
    """The build in directory ``path``, checked for consistency (IndexUnavailableError if damaged)."""
    build_id = path.name
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
        copy = path / GLOSSARY_FILE
        glossary = parse(copy.read_text("utf-8"), str(copy)) if copy.exists() else None
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, KnowledgeError) as error:
        message = f"the knowledge index {path} is damaged ({error}): rebuild it"
        raise IndexUnavailableError(message) from error
    if not (
        len(chunks) == len(embeddings) == len(dense) == manifest["counts"]["chunks"] == len(offsets) - 1
        and offsets[-1] == len(sentences)
        and len(keys) == len(key_vectors)
    ):
        raise IndexUnavailableError(f"the knowledge index {path} is inconsistent: rebuild it")
    return Build(
        build_id, path, manifest, chunks, embeddings, dense, sentences, offsets, keys, key_vectors, glossary
    )


def write_build(
    work: Path,
    build_id: str,
    matrix: np.ndarray,
    chunks: Sequence[Chunk],
    doc_entries: Dict[str, Dict],
    config: Dict,
    sentence_matrix: Tuple[np.ndarray, np.ndarray],
    question_keys: Tuple[List[QuestionKey], np.ndarray],
) -> None:
    """Write every file of a build into the new directory ``work`` and flush them to disk; ``config`` is
    what the index depends on besides the documents (model, chunking, dense index type)."""
    work.mkdir()
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
    dimension = matrix.shape[1]
    dense = DenseIndex(dimension, config["dense_index"])
    if len(matrix):
        dense.add(matrix)
    dense.save(work / "dense.faiss")
    manifest = {
        "format": FORMAT_VERSION,
        "build_id": build_id,
        **config,
        "dimension": dimension,
        "documents": doc_entries,
        "counts": {
            "documents": len(doc_entries),
            "chunks": len(chunks),
            "question_keys": len(question_keys[0]),
            "languages": _count_languages(chunks),
        },
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    for path in work.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())


def _count_languages(chunks: Sequence[Chunk]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for chunk in chunks:
        counts[chunk.lang] = counts.get(chunk.lang, 0) + 1
    return counts
