"""Choose the sentences of a document that answer a question: the excerpt an answer shows.

A passage is retrieved as a whole, but its first sentences are often not the ones asked about
("调解协议有没有法律效力？" is answered by the sentence on judicial confirmation, not by the passage's
opening). Every sentence of the answering document (in the reply's language) is scored against the question
with the index's own sentence embeddings, its passage's similarity and the question's words it contains; the
best ones are kept in document
order within a readable length, with the sentence before one that depends on it (a list's lead-in, "此外…",
"This…"). Boilerplate (notes about the document, bare labels) is never chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from knowledge.chunking import BOILERPLATE, Chunk, split_sentences, text_units

MAX_UNITS = 220  # about 220 Chinese characters or 130 English words
SENTENCE_WEIGHT = 0.5  # the sentence's own similarity, against its passage's (the rest)
WORDS_WEIGHT = 0.06  # a sentence holding all the question's words gains as much as ~0.06 of cosine
KEEP_WITHIN = 0.02  # further sentences are kept when they score this close to the best one
MIN_UNITS = 4  # shorter "sentences" are labels, not answers

# A sentence that cannot stand alone: it continues the one before it.
DEPENDS_ON_PREVIOUS = re.compile(
    r"^(?:(?:这|此|该|上述|其|但|但是|因此|同时|另外|此外|也|并且|而且|对此|为此|换句话说|也就是说|换言之)|"
    r"(?:this|that|these|those|such|it|they|however|also|in addition|therefore|then|otherwise|"
    r"in other words|that is)\b)",
    re.IGNORECASE,
)
SEMICOLON_END = re.compile(r"[；;]$")
LIST_ITEM = re.compile(r"[-*•+]\s|\d{1,2}(?:[.)]\s|、)|（[一二三四五六七八九十\d]+）")


@dataclass(frozen=True)
class Sentence:
    text: str
    row: int  # the chunk it comes from
    starts_line: bool  # the first sentence of a paragraph or list item
    score: float = 0.0


@dataclass(frozen=True)
class Excerpt:
    """The chosen sentences, joined for reading, and the passage (section) they come from."""

    text: str
    row: int  # the chunk of the best sentence: the citation points to its section
    sentences: Tuple[str, ...]


def sentences_of(chunk_text: str, row: int) -> List[Sentence]:
    """The sentences of a passage in the order the index embedded them (``chunk_sentences``)."""
    found: List[Sentence] = []
    for line in chunk_text.splitlines():
        for number, sentence in enumerate(split_sentences(line.strip()) if line.strip() else []):
            found.append(Sentence(sentence, row, number == 0))
    return found


def opening(text: str, max_units: float = MAX_UNITS) -> str:
    """A passage's first sentences, as many as fit in ``max_units`` (at least one, cut if huge): what a
    citation shows of its passage."""
    sentences = sentences_of(text, 0) or [Sentence(text.strip(), 0, True)]
    kept: List[Sentence] = []
    for sentence in sentences:
        if kept and text_units(_join([*kept, sentence], range(len(kept) + 1))) > max_units:
            break
        kept.append(sentence)
    return _shorten(_join(kept, range(len(kept))), max_units)


def is_boilerplate(sentence: str) -> bool:
    stripped = sentence.strip(" *_#>")
    return bool(BOILERPLATE.match(stripped)) or text_units(stripped) < MIN_UNITS


def select(
    chunks: Sequence[Chunk],
    rows: Sequence[int],
    passage_scores: Sequence[float],
    query_vector: np.ndarray,
    sentence_vectors: Callable[[int], Optional[np.ndarray]],
    word_share: Callable[[str], float],
    max_units: float = MAX_UNITS,
) -> Excerpt:
    """The sentences of the passages ``rows`` (one document, in document order) that answer the question.

    ``passage_scores`` are the question's cosines with those passages; ``sentence_vectors(row)`` gives the
    index's vectors of a passage's sentences (None: score by words alone); ``word_share(text)`` is the
    share of the question's words a text contains (0–1).
    """
    candidates: List[Sentence] = []
    seen = set()
    for row, passage_score in zip(rows, passage_scores, strict=True):
        sentences = sentences_of(chunks[row].text, row)
        vectors = sentence_vectors(row)
        usable = vectors is not None and len(vectors) == len(sentences)
        cosines = vectors @ query_vector if usable else np.full(len(sentences), passage_score)
        for sentence, cosine in zip(sentences, cosines, strict=True):
            if sentence.text in seen:  # the overlap repeats a sentence in the next passage
                continue
            seen.add(sentence.text)
            score = (
                SENTENCE_WEIGHT * float(cosine)
                + (1 - SENTENCE_WEIGHT) * passage_score
                + WORDS_WEIGHT * word_share(sentence.text)
            )
            candidates.append(Sentence(sentence.text, row, sentence.starts_line, score))
    answerable = [i for i, s in enumerate(candidates) if not is_boilerplate(s.text)]
    if not answerable:
        first = rows[0]
        return Excerpt(_shorten(chunks[first].text, max_units), first, (chunks[first].text,))
    best = max(answerable, key=lambda i: candidates[i].score)
    # The best sentence's own list first, when it introduces one: its items are what it promises.
    chosen = _with_list(candidates, best, _with_context(candidates, best), max_units)
    for i in sorted(answerable, key=lambda i: candidates[i].score, reverse=True):
        if candidates[i].score < candidates[best].score - KEEP_WITHIN:
            break
        if i not in chosen:
            extra = _with_context(candidates, i) - chosen
            if _units(candidates, chosen | extra) <= max_units:
                chosen |= extra
    for i in sorted(chosen):
        chosen = _with_list(candidates, i, chosen, max_units)
    ordered = [candidates[i] for i in sorted(chosen)]
    text = _join(ordered, sorted(chosen))
    if text_units(text) > max_units * 1.5:  # a single enormous sentence
        text = _shorten(text, max_units)
    return Excerpt(text, candidates[best].row, tuple(s.text for s in ordered))


def _with_list(candidates: Sequence[Sentence], index: int, chosen: set, max_units: float) -> set:
    """A sentence that introduces a list (ends with a colon) brings the list's items, as many as fit."""
    chosen = set(chosen)
    if re.search(r"[：:]$", candidates[index].text):
        j = index + 1
        while j < len(candidates) and LIST_ITEM.match(candidates[j].text):
            if _units(candidates, chosen | {j}) > max_units:
                break
            chosen.add(j)
            j += 1
    return chosen


def _with_context(candidates: Sequence[Sentence], index: int) -> set:
    """The sentence and what it depends on: a list item its list's lead-in; a continuation ("此外…",
    "This…", a clause after a semicolon, an English sentence that starts in lower case) the sentence before
    it (two at most); a clause ending in a semicolon the one after it."""
    chosen = {index}
    if LIST_ITEM.match(candidates[index].text):
        lead = index
        while lead > 0 and LIST_ITEM.match(candidates[lead].text):
            lead -= 1
        if not LIST_ITEM.match(candidates[lead].text) and candidates[lead].row == candidates[index].row:
            chosen.add(lead)
        return chosen
    first = index
    while first > 0 and len(chosen) < 3 and _continues(candidates[first - 1], candidates[first]):
        first -= 1
        chosen.add(first)
    last = index
    while last + 1 < len(candidates) and len(chosen) < 4 and SEMICOLON_END.search(candidates[last].text):
        if candidates[last + 1].starts_line:
            break
        last += 1
        chosen.add(last)
    return chosen


def _continues(previous: Sentence, sentence: Sentence) -> bool:
    if sentence.starts_line or previous.row != sentence.row:
        return bool(DEPENDS_ON_PREVIOUS.match(sentence.text)) and previous.row == sentence.row
    return bool(
        DEPENDS_ON_PREVIOUS.match(sentence.text)
        or SEMICOLON_END.search(previous.text)
        or re.match(r"[a-z]", sentence.text)
    )


def _units(candidates: Sequence[Sentence], chosen: set) -> float:
    return sum(text_units(candidates[i].text) for i in chosen)


def _join(sentences: Sequence[Sentence], positions: Sequence[int]) -> str:
    """Sentences of one paragraph run on as prose; a new paragraph, list item or gap starts a new line."""
    out = ""
    for number, sentence in enumerate(sentences):
        text = sentence.text
        if out:
            gap = positions[number] != positions[number - 1] + 1
            if gap or sentence.starts_line or LIST_ITEM.match(text):
                out += "\n"
            elif re.search(r"[A-Za-z0-9.!?;:,)]$", out) and re.match(r"[A-Za-z0-9(\"']", text):
                out += " "
        out += text
    return out


def _shorten(text: str, max_units: float) -> str:
    if text_units(text) <= max_units * 1.5:
        return text
    kept = ""
    for token in re.findall(r"[A-Za-z0-9'’-]+\s*|.", text, re.S):
        if text_units(kept + token) > max_units:
            break
        kept += token
    return kept.rstrip() + "…"
