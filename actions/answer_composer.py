"""Turn search results into a chat answer: whole sentences of the best passage, its source, no LLM.

Pure functions (no Rasa, no model), so the wording rules are easy to test: the answer is the beginning of the
best passage cut at a sentence end near a readable length, introduced by the document's title, followed by
its citation; a second confident passage from another document is offered as "see also".
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence

from knowledge.chunking import split_sentences, text_units
from knowledge.search import SearchResult

MAX_UNITS = 220  # about 220 Chinese characters or 130 English words

TEXTS = {
    "zh": {
        "intro": "根据《{title}》：",
        "source": "来源：{citation}",
        "see_also": "相关内容：《{title}》",
        "other_language": "（以下内容目前只有英文版本。）",
    },
    "en": {
        "intro": 'From "{title}":',
        "source": "Source: {citation}",
        "see_also": 'See also: "{title}"',
        "other_language": "(This passage is available in Chinese only.)",
    },
}


def excerpt(text: str, max_units: float = MAX_UNITS) -> str:
    """The passage's first sentences, as many as fit in ``max_units`` (at least one, cut if huge)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sentences: List[str] = []
    for line in lines or [text]:
        sentences.extend(split_sentences(line))
    kept: List[str] = []
    for sentence in sentences:
        candidate = kept + [sentence]
        if kept and text_units(_join(candidate)) > max_units:
            break
        kept = candidate
    result = _join(kept)
    if text_units(result) > max_units * 1.5:  # a single enormous sentence
        result = result[: int(max_units * 1.5)].rstrip() + "…"
    return result


LIST_ITEM = re.compile(r"[-*•]\s|\d{1,2}(?:[.)]\s|、)")


def _join(sentences: Sequence[str]) -> str:
    """Sentences run on as prose; a list item (``- ...``, ``1. ...``) starts its own line."""
    out = ""
    for sentence in sentences:
        if out and LIST_ITEM.match(sentence):
            out += "\n"
        elif out and (re.search(r"[A-Za-z0-9.!?;:,)]$", out) and re.match(r"[A-Za-z0-9(\"']", sentence)):
            out += " "
        out += sentence
    return out


def citation_text(result: SearchResult) -> str:
    c = result.citation
    parts = [c["title"] + (f" › {c['section']}" if c["section"] else "")]
    source = c["source"] + (f" {c['source_url']}" if c["source_url"] else "")
    return f"{parts[0]}（{source}）" if c["lang"] == "zh" else f"{parts[0]} ({source})"


def compose_answer(
    results: Sequence[SearchResult], language: str, source_line: bool = True
) -> Dict[str, Any]:
    """Text and citation payload for confident ``results`` (best first), in ``language``.

    ``source_line=False`` leaves the "Source:" line out of the text, for clients that list the
    citations themselves.
    """
    texts = TEXTS[language]
    best = results[0]
    lines = []
    if best.chunk.lang != language:
        lines.append(texts["other_language"])
    lines.append(texts["intro"].format(title=best.chunk.title))
    lines.append(excerpt(best.chunk.text))
    if source_line:
        lines.append(texts["source"].format(citation=citation_text(best)))
    cited = [best]
    best_family = best.chunk.translation_of or best.chunk.doc_id
    for other in results[1:]:
        if other.confident and (other.chunk.translation_of or other.chunk.doc_id) != best_family:
            lines.append(texts["see_also"].format(title=other.chunk.title))
            cited.append(other)
            break
    return {
        "text": "\n".join(lines),
        "citations": [
            {**r.citation, "chunk_id": r.chunk.chunk_id, "excerpt": excerpt(r.chunk.text, 120)} for r in cited
        ],
    }
