"""Question keys: questions each document answers, searched as extra keys next to its passages.

A user's question resembles another question more than it resembles the passage that answers it
("假货去哪投诉" against "权利人发现商标侵权、假货或假冒专利，可以向市场监管部门举报"). Every document
therefore carries keys in its language: its title, its section headings ("需要准备哪些材料") and the
questions listed in its front matter (``questions:``, written from the document's own text). The index
embeds them as queries (:mod:`knowledge.store`), and a search compares the question with every key: a
document's best key, above the question's mean similarity to all keys, is a signal of the answer
confidence (:mod:`knowledge.confidence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

import numpy as np

from knowledge.chunking import BOILERPLATE
from knowledge.documents import Document

if TYPE_CHECKING:
    from knowledge.embedding import Embedder

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class QuestionKey:
    text: str
    doc_key: str  # "lang/id" of the document
    family: str  # the document family: a Chinese original and its translation are one
    lang: str

    def to_dict(self) -> Dict[str, str]:
        return {"text": self.text, "doc_key": self.doc_key, "family": self.family, "lang": self.lang}

    @classmethod
    def from_dict(cls, data: Dict[str, str]) -> QuestionKey:
        return cls(data["text"], data["doc_key"], data["family"], data["lang"])


def keys_of(document: Document) -> List[QuestionKey]:
    """The document's keys: title, headings and listed questions, each once; an FAQ entry's are its
    wordings only (its title is one of them, with a prefix)."""
    if document.kind == "faq":
        unique = dict.fromkeys(q.strip() for q in document.questions if q.strip())
        return [QuestionKey(text, document.key, document.family, document.lang) for text in unique]
    texts = [document.title]
    for line in document.body.splitlines():
        heading = _HEADING.match(line)
        if heading and not BOILERPLATE.match(heading.group(1)):
            texts.append(heading.group(1).strip(" *_"))
    texts.extend(document.questions)
    family = document.family
    unique = dict.fromkeys(t.strip() for t in texts if t.strip())
    return [QuestionKey(text, document.key, family, document.lang) for text in unique]


@dataclass(frozen=True)
class KeyMatches:
    """How well a question matches each document family's keys."""

    best: Dict[str, float]  # family -> best key cosine above the question's mean over all keys

    def relevance(self, family: str) -> float:
        return self.best.get(family, 0.0)

    def gap(self, family: str) -> float:
        """The family's best key above any other family's best (negative: another matches better)."""
        others = [value for name, value in self.best.items() if name != family]
        return self.relevance(family) - max(others, default=0.0)


class KeyIndex:
    """The keys of one build, ready to be compared with a question (built once per build)."""

    def __init__(self, keys: Sequence[QuestionKey], vectors: Optional[np.ndarray]) -> None:
        self.families = sorted({key.family for key in keys})
        number = {family: i for i, family in enumerate(self.families)}
        self.owners = np.array([number[key.family] for key in keys], dtype=np.int64)
        self.vectors = vectors if vectors is not None and len(keys) else None

    def match(self, query_vector: np.ndarray) -> KeyMatches:
        """Compare the question with every key; an index without keys matches nothing (all zero)."""
        if self.vectors is None:
            return KeyMatches({})
        relevance = self.vectors @ np.asarray(query_vector, dtype=self.vectors.dtype)
        relevance -= float(np.mean(relevance))
        best = np.full(len(self.families), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owners, relevance)
        return KeyMatches({family: float(value) for family, value in zip(self.families, best, strict=True)})


def embed_keys(
    documents: Sequence[Document],
    embedder: Embedder,
    known: Optional[Tuple[Sequence[QuestionKey], Optional[np.ndarray]]] = None,
) -> Tuple[List[QuestionKey], np.ndarray]:
    """Every document's question keys and their query vectors; ``known`` keys and vectors (the previous
    build's) are reused, so a rebuild embeds only new questions."""
    keys = [key for document in documents for key in keys_of(document)]
    vectors: Dict[Tuple[str, str], np.ndarray] = {}
    if known is not None and known[1] is not None:
        for key, vector in zip(known[0], known[1], strict=True):
            vectors[(key.lang, key.text)] = vector
    missing = sorted({(k.lang, k.text) for k in keys} - set(vectors))
    if missing:
        fresh = embedder.encode_queries([text for _, text in missing])
        vectors.update(zip(missing, fresh, strict=True))
    if not keys:
        return keys, np.zeros((0, embedder.dimension), np.float32)
    return keys, np.vstack([vectors[(k.lang, k.text)] for k in keys]).astype(np.float32)
