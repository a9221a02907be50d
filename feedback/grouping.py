"""The review queue grouped by similar question, so staff see "asked 12 times" once, not twelve rows.

Greedy grouping over the questions' embeddings (the assistant's own query encoder): a question joins the
first group whose first question is at least :data:`SIMILAR` alike, else starts a group. Questions typed
the same (ignoring case, spaces and punctuation) always share a group.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np

from feedback.store import QueueItem

# multilingual-e5-small query cosines, measured: rewordings 0.94-0.995 ("请律师多少钱" / "找律师要花多少钱"
# 0.952, "how much does a lawyer cost" / "what do lawyers charge" 0.941); neighbouring questions of one
# topic can reach 0.95 ("调解收费吗" / "调解要多久"), other topics stay below 0.89. A group shows all its
# wordings.
SIMILAR = 0.94
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass
class QuestionGroup:
    """Similar questions of the queue, with what staff need to judge them."""

    items: List[QueueItem] = field(default_factory=list)

    @property
    def question(self) -> str:
        """The wording asked most often (the newest of equals)."""
        counts = Counter(item.question for item in self.items)
        return max(self.items, key=lambda item: counts[item.question]).question

    @property
    def wordings(self) -> List[tuple]:
        """Each distinct wording and how often it was asked, most asked first."""
        return Counter(item.question for item in self.items).most_common()

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def languages(self) -> List[str]:
        return sorted({item.language for item in self.items})

    @property
    def first_seen(self) -> dt.datetime:
        return min(item.created_at for item in self.items)

    @property
    def last_seen(self) -> dt.datetime:
        return max(item.created_at for item in self.items)

    @property
    def reasons(self) -> Dict[str, int]:
        """How many are here as disliked, not covered, low confidence."""
        return dict(Counter(item.why for item in self.items))

    @property
    def citations(self) -> List[str]:
        """The documents the replies cited, most cited first."""
        counts = Counter(c.get("title") or c.get("doc_id") for item in self.items for c in item.citations)
        return [title for title, _ in counts.most_common() if title]

    @property
    def families(self) -> List[str]:
        """The documents (ids) the replies cited, most cited first: what an FAQ entry made of the group
        most likely belongs to."""
        counts = Counter(c.get("doc_id") for item in self.items for c in item.citations)
        return [doc_id for doc_id, _ in counts.most_common() if doc_id]

    @property
    def answer_ids(self) -> List[str]:
        return [item.answer_id for item in self.items]


def _typed_the_same(text: str) -> str:
    return _NOISE.sub("", text).lower()


def group(items: Sequence[QueueItem], vectors: np.ndarray, similar: float = SIMILAR) -> List[QuestionGroup]:
    """``vectors``: the items' normalised query embeddings, row for row. Groups come out largest first
    (then most recent)."""
    groups: List[QuestionGroup] = []
    leaders: List[np.ndarray] = []
    by_text: Dict[str, int] = {}
    for item, vector in zip(items, vectors, strict=True):
        key = _typed_the_same(item.question)
        index = by_text.get(key)
        if index is None and leaders:
            scores = np.asarray(leaders) @ vector
            best = int(np.argmax(scores))
            if scores[best] >= similar:
                index = best
        if index is None:
            index = len(groups)
            groups.append(QuestionGroup())
            leaders.append(vector)
        by_text.setdefault(key, index)
        groups[index].items.append(item)
    return sorted(groups, key=lambda g: (g.count, g.last_seen), reverse=True)
