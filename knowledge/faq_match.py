"""FAQ entries in a search: a question that matches one of an entry's wordings gets the entry's answer.

An entry is reached by its question keys only (matched question → its answer). Its passage is kept out of
the document rankings, the lexical index, the backgrounds and the documents' own keys, so adding entries
changes nothing for a question that matches none of them: what an entry cannot steal, it cannot spoil.

The match must be close: multilingual-e5-small puts rewordings of one question at cosine 0.94-0.995 but
neighbouring questions of one topic up to 0.95 ("调解收费吗" / "调解要多久" 0.952), so an entry answers from
:data:`MATCH` on. A near miss goes to the review queue as usual, and staff add the wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Dict, List, Optional, Sequence, Set

import numpy as np

from knowledge.chunking import Chunk
from knowledge.question_keys import QuestionKey

MATCH = 0.96


@dataclass(frozen=True)
class FaqMatch:
    row: int  # the entry's passage in the asker's language when it has one
    similarity: float  # cosine of the question and the entry's closest wording
    wording: str


class FaqIndex:
    """The FAQ entries of one build: their passages' rows and their wordings' vectors."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        keys: Sequence[QuestionKey],
        vectors: Optional[np.ndarray],
        withdrawn: AbstractSet[int] = frozenset(),
    ) -> None:
        """``withdrawn``: passages of documents and entries expired or not yet in force (knowledge.validity);
        their keys are left out too."""
        self.rows: Set[int] = {
            row for row, chunk in enumerate(chunks) if chunk.kind == "faq" and row not in withdrawn
        }
        self._row_of: Dict[str, int] = {}  # doc key ("zh/faq-…") -> its first passage
        self._doc_key_of: Dict[int, str] = {row: chunks[row].doc_key for row in self.rows}
        self._entry_langs: Dict[str, Dict[str, str]] = {}  # entry id -> lang -> doc key
        for row in sorted(self.rows):
            chunk = chunks[row]
            self._row_of.setdefault(chunk.doc_key, row)
            self._entry_langs.setdefault(chunk.doc_id, {})[chunk.lang] = chunk.doc_key
        withdrawn_docs = {chunks[row].doc_key for row in withdrawn}
        live = [i for i, key in enumerate(keys) if key.doc_key not in withdrawn_docs]
        entry_keys = [i for i in live if keys[i].doc_key in self._row_of]
        self.keys = [keys[i] for i in entry_keys]
        self.vectors = vectors[entry_keys] if vectors is not None and entry_keys else None
        # The documents' own keys, without the entries' (the documents' key signals know nothing of entries).
        document = [i for i in live if keys[i].doc_key not in self._row_of]
        self.document_keys: List[QuestionKey] = [keys[i] for i in document]
        self.document_vectors = vectors[document] if vectors is not None and document else None

    def rows_of(self, doc_key: str) -> List[int]:
        """An entry's passages (one language), in order: what its answer is chosen from."""
        return [row for row in sorted(self.rows) if self._doc_key_of[row] == doc_key]

    def match(self, vector: np.ndarray, lang: str) -> Optional[FaqMatch]:
        """The entry whose wording is closest to the question, when at least :data:`MATCH` alike; its
        passage in ``lang`` when the entry has that language."""
        if self.vectors is None:
            return None
        similarities = self.vectors @ np.asarray(vector, dtype=self.vectors.dtype)
        best = int(np.argmax(similarities))
        if similarities[best] < MATCH:
            return None
        key = self.keys[best]
        entry_id = key.doc_key.split("/", 1)[1]
        doc_key = self._entry_langs.get(entry_id, {}).get(lang, key.doc_key)
        return FaqMatch(self._row_of[doc_key], float(similarities[best]), key.text)
