"""The evaluation set: a tuning part and a held-out part, each of single questions and conversations.

``knowledge/eval/tuning.yml`` is what thresholds and the confidence model may be fitted on;
``knowledge/eval/heldout.yml`` was written before any tuning and is only ever measured. Every entry is a
:class:`Conversation`: a single question is a conversation of one turn, a follow-up is a later turn whose
meaning depends on the turns before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

EVAL_DIR = Path(__file__).resolve().parent / "eval"
PARTS: Dict[str, Path] = {"tuning": EVAL_DIR / "tuning.yml", "heldout": EVAL_DIR / "heldout.yml"}
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Question:
    """One user turn with the documents that answer it (``expect == []``: out of scope)."""

    text: str
    lang: str
    expect: Tuple[str, ...]
    tags: Tuple[str, ...] = ()
    part: str = "tuning"
    turn: int = 0  # 0: a question that stands alone or opens a conversation

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)

    @property
    def near_scope(self) -> bool:
        return not self.expect and "near" in self.tags

    @property
    def follow_up(self) -> bool:
        return self.turn > 0


@dataclass(frozen=True)
class Conversation:
    turns: Tuple[Question, ...]

    @property
    def lang(self) -> str:
        return self.turns[0].lang


def _question(item: Dict, lang: str, part: str, turn: int, where: str) -> Question:
    lang = item.get("lang", lang)
    if not isinstance(item, dict) or "q" not in item:
        raise ValueError(f"{where}: each entry needs a q")
    if lang not in LANGUAGES or not isinstance(item.get("expect"), list):
        raise ValueError(f"{where}: needs lang zh|en and an expect list")
    tags = item.get("tags") or []
    return Question(
        text=str(item["q"]),
        lang=lang,
        expect=tuple(str(e) for e in item["expect"]),
        tags=tuple(str(t) for t in tags),
        part=part,
        turn=turn,
    )


def load_part(path: Path, part: str) -> List[Conversation]:
    """Single questions first, then conversations, in file order."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    conversations = [
        Conversation((_question(item, item.get("lang"), part, 0, f"{path}: question {n}"),))
        for n, item in enumerate(data.get("questions") or [], 1)
    ]
    for n, item in enumerate(data.get("conversations") or [], 1):
        turns = item.get("turns") if isinstance(item, dict) else None
        if not turns:
            raise ValueError(f"{path}: conversation {n} needs turns")
        lang = item.get("lang")
        conversations.append(
            Conversation(
                tuple(
                    _question(turn, lang, part, number, f"{path}: conversation {n} turn {number + 1}")
                    for number, turn in enumerate(turns)
                )
            )
        )
    return conversations


def load(parts: Sequence[str] = tuple(PARTS)) -> List[Conversation]:
    """The conversations of the named parts that exist on disk."""
    found: List[Conversation] = []
    for part in parts:
        if PARTS[part].is_file():
            found.extend(load_part(PARTS[part], part))
    return found


def questions(conversations: Sequence[Conversation]) -> List[Question]:
    return [turn for conversation in conversations for turn in conversation.turns]


def load_questions(parts: Sequence[str] = tuple(PARTS)) -> List[Question]:
    """The questions that stand alone (no follow-up turns): what retrieval benchmarks ask."""
    return [q for q in questions(load(parts)) if not q.follow_up]
