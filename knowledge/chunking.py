"""Split documents into passages for search: sentence-aware, heading path kept, small overlap.

Length is counted in "Chinese-character equivalents" so one setting serves both languages: a CJK
character counts 1 and an English word 1.7 (300 units ≈ 300 Chinese characters ≈ 175 English words, both
about 200 model tokens, well under the embedding model's 512).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Dict, Iterator, List, Tuple

from bilingual import CJK, cjk_count
from knowledge.documents import Document

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)、]|（[一二三四五六七八九十\d]+）)\s+")
# Notes about the document rather than its subject (the translation notice of every English document):
# never indexed, so no passage and no answer can consist of them.
BOILERPLATE = re.compile(
    r"^\W*(this is an english translation of the chinese document|本文(是|为).{0,12}译)", re.IGNORECASE
)
# A sentence ends after Chinese 。！？； (plus closing quotes/brackets), or after . ! ? ; and a space.
_SENTENCE_END = re.compile(
    r"(?<=[。！？；!?;])(?=[^”’」』）)\]])|(?<=[。！？；][”’」』）)])|(?<=[.!?;])\s+(?=\S)"
)


def text_units(text: str) -> float:
    """Length in Chinese-character equivalents."""
    return cjk_count(text) + 1.7 * len(_WORD.findall(CJK.sub(" ", text)))


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, with what a citation needs."""

    chunk_id: str
    doc_key: str
    doc_id: str
    lang: str
    title: str
    section: str  # heading path, e.g. "Reporting > Evidence"
    text: str
    source: str
    source_url: str | None
    translation_of: str | None
    topics: Tuple[str, ...] = ()
    answers_for: str | None = None  # an FAQ entry's document (knowledge.documents.Document.family)
    kind: str = "document"
    updated: str | None = None  # the document's dates, for the citation and validity (knowledge.validity)
    effective: str | None = None
    expires: str | None = None

    @property
    def family(self) -> str:
        """The document this passage stands for in a ranking (see :attr:`Document.family`)."""
        return self.answers_for or self.translation_of or self.doc_id

    @property
    def embed_text(self) -> str:
        """What the embedder and the lexical index see: title and section give the passage its context."""
        context = " > ".join(part for part in (self.title, self.section) if part)
        return f"{context}\n{self.text}" if context else self.text

    @property
    def lexical_text(self) -> str:
        """What the lexical index sees: the embedded text plus the document's topic keywords."""
        keywords = " ".join(topic.replace("-", " ") for topic in self.topics)
        return f"{self.embed_text}\n{keywords}" if keywords else self.embed_text

    def to_dict(self) -> Dict:
        data = asdict(self)
        data["topics"] = list(self.topics)
        return data

    @classmethod
    def from_dict(cls, data: Dict) -> Chunk:
        return cls(**{**data, "topics": tuple(data.get("topics", ()))})


def split_sentences(paragraph: str) -> List[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s and s.strip()]


def chunk_sentences(text: str) -> List[str]:
    """The sentences of a passage in order: each line (paragraph or list item) split at sentence ends.

    The index embeds exactly these, so an answer can be made of the sentences that answer a question.
    """
    sentences: List[str] = []
    for line in text.splitlines():
        if line.strip():
            sentences.extend(split_sentences(line.strip()))
    return sentences


def _sections(body: str) -> Iterator[Tuple[List[str], List[str]]]:
    """Yield (heading path, paragraphs) for each part of the Markdown body."""
    path: List[Tuple[int, str]] = []
    paragraphs: List[str] = []
    current: List[str] = []

    def flush_paragraph() -> None:
        if current:
            paragraph = " ".join(line.strip() for line in current if line.strip())
            if not BOILERPLATE.match(paragraph):
                paragraphs.append(paragraph)
            current.clear()

    for line in body.splitlines():
        heading = _HEADING.match(line)
        if heading:
            flush_paragraph()
            if paragraphs:
                yield [title for _, title in path], list(paragraphs)
                paragraphs.clear()
            level = len(heading.group(1))
            path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, heading.group(2))]
        elif not line.strip():
            flush_paragraph()
        elif _LIST_ITEM.match(line):
            flush_paragraph()  # each list item is a unit of its own
            current.append(line.strip())
        else:
            current.append(line)
    flush_paragraph()
    if paragraphs:
        yield [title for _, title in path], paragraphs


def _hard_split(sentence: str, size: int) -> List[str]:
    """Cut an over-long sentence into pieces of about ``size`` units at word boundaries."""
    pieces, current = [], ""
    for token in re.findall(r"[A-Za-z0-9'’-]+\s*|.", sentence, re.S):
        if current and text_units(current + token) > size:
            pieces.append(current.strip())
            current = ""
        current += token
    if current.strip():
        pieces.append(current.strip())
    return pieces


def chunk_document(document: Document, size: int = 300, overlap: int = 1) -> List[Chunk]:
    """Passages of at most about ``size`` units; ``overlap`` sentences repeat across a chunk boundary."""
    if size < 20:
        raise ValueError("chunk size must be at least 20")
    if overlap < 0:
        raise ValueError("chunk overlap cannot be negative")
    joiner = "" if document.lang == "zh" else " "

    def join(units: List[Tuple[bool, str]]) -> str:
        """Sentences of one paragraph run on; a new paragraph or list item starts a new line."""
        text = ""
        for first_of_paragraph, sentence in units:
            if text:
                text += "\n" if first_of_paragraph else joiner
            text += sentence
        return text

    chunks: List[Chunk] = []
    for headings, paragraphs in _sections(document.body):
        # The document title is usually also the first heading; don't repeat it in the section path.
        section_path = [h for h in headings if h != document.title]
        units: List[Tuple[bool, str]] = []
        for paragraph in paragraphs:
            pieces: List[str] = []
            for sentence in split_sentences(paragraph):
                pieces.extend(_hard_split(sentence, size) if text_units(sentence) > size else [sentence])
            units.extend((index == 0, piece) for index, piece in enumerate(pieces))
        window: List[Tuple[bool, str]] = []
        fresh = 0  # units in the window that are not overlap
        for unit in units:
            if window and fresh and text_units(join(window + [unit])) > size:
                chunks.append(_make_chunk(document, section_path, join(window), len(chunks)))
                window = window[-overlap:] if overlap else []
                while window and text_units(join(window + [unit])) > size:
                    window.pop(0)
                fresh = 0
            window.append(unit)
            fresh += 1
        if fresh:
            chunks.append(_make_chunk(document, section_path, join(window), len(chunks)))
    return chunks


def _make_chunk(document: Document, section_path: List[str], text: str, number: int) -> Chunk:
    return Chunk(
        chunk_id=f"{document.key}#{number}",
        doc_key=document.key,
        doc_id=document.id,
        lang=document.lang,
        title=document.title,
        section=" > ".join(section_path),
        text=text,
        source=document.source,
        source_url=document.source_url,
        translation_of=document.translation_of,
        topics=tuple(document.topics),
        answers_for=document.answers_for,
        kind=document.kind,
        updated=document.updated,
        effective=document.effective,
        expires=document.expires,
    )
