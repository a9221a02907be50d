"""Turn an answer into a chat message: the sentences that answer the question, their source, no LLM.

Pure functions (no Rasa, no model), so the wording rules are easy to test: the sentences chosen by
:mod:`knowledge.excerpts`, introduced by the document's title ("关于《…》：" / "About …:" when a follow-up was
read with the previous question, so the user sees what it was taken to be about), followed by the citation
of the section they come from; a second confident document is offered as "see also".
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence

from knowledge.answering import Answer
from knowledge.chunking import split_sentences, text_units
from knowledge.search import SearchResult

MAX_UNITS = 220  # about 220 Chinese characters or 130 English words

TEXTS = {
    "zh": {
        "intro": "根据《{title}》：",
        "about": "关于《{title}》：",
        "source": "来源：{citation}",
        "see_also": "相关内容：《{title}》",
        "other_language": "（以下内容目前只有英文版本。）",
    },
    "en": {
        "intro": 'From "{title}":',
        "about": 'About "{title}":',
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


def compose_answer(answer: Answer, language: str, source_line: bool = True) -> Dict[str, Any]:
    """Text and citation payload for a confident ``answer``, in ``language``.

    ``source_line=False`` leaves the "Source:" line out of the text, for clients that list the
    citations themselves.
    """
    texts = TEXTS[language]
    results = answer.results
    best = results[0]
    shown = answer.excerpt.text if answer.excerpt else excerpt(best.chunk.text)
    lines = []
    if best.chunk.lang != language:
        lines.append(texts["other_language"])
    lines.append(texts["about" if answer.follow_up else "intro"].format(title=best.chunk.title))
    lines.append(shown)
    if source_line:
        lines.append(texts["source"].format(citation=citation_text(best)))
    cited = [best]
    for other in results[1:]:
        if other.confident and other.family != best.family:
            lines.append(texts["see_also"].format(title=other.chunk.title))
            cited.append(other)
            break
    excerpts = [excerpt(shown, 120)] + [excerpt(r.chunk.text, 120) for r in cited[1:]]
    return {
        "text": "\n".join(lines),
        "citations": [
            {**r.citation, "chunk_id": r.chunk.chunk_id, "excerpt": text}
            for r, text in zip(cited, excerpts, strict=True)
        ],
    }
