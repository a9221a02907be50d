"""Turn an answer into a chat message: the sentences that answer the question, their source, no LLM.

Pure functions (no Rasa, no model), so the wording rules are easy to test: the sentences chosen by
:mod:`knowledge.excerpts`, introduced by the document's title ("关于《…》：" / "About …:" when a follow-up was
read with the previous question, so the user sees what it was taken to be about), followed by the citation
of the section they come from; a second confident document is offered as "see also".
"""

from __future__ import annotations

from typing import Any, Dict

from actions.texts import text
from knowledge.answering import Answer
from knowledge.excerpts import opening
from knowledge.search_result import SearchResult


def citation_text(result: SearchResult) -> str:
    c = result.citation
    title = c["title"] + (f" › {c['section']}" if c["section"] else "")
    source = c["source"] + (f" {c['source_url']}" if c["source_url"] else "")
    if not c.get("updated"):
        return text(c["lang"], "citation", title=title, source=source)  # in the passage's language
    return text(c["lang"], "citation_dated", title=title, source=source, date=c["updated"])


def compose_answer(answer: Answer, language: str, source_line: bool = True) -> Dict[str, Any]:
    """Text and citation payload for a confident ``answer``, in ``language``.

    ``source_line=False`` leaves the "Source:" line out of the text, for clients that list the
    citations themselves.
    """
    results = answer.results
    best = results[0]
    shown = answer.excerpt.text if answer.excerpt else opening(best.chunk.text)
    lines = []
    if best.chunk.lang != language:
        lines.append(text(language, "answer_other_language"))
    if best.chunk.kind == "faq":  # staff's answer to this question: its title is the question itself
        lines.append(text(language, "answer_faq"))
    else:
        lines.append(
            text(language, "answer_about" if answer.follow_up else "answer_intro", title=best.chunk.title)
        )
    lines.append(shown)
    if source_line:
        lines.append(text(language, "answer_source", citation=citation_text(best)))
    cited = [best]
    for other in results[1:]:
        if other.confident and other.family != best.family:
            lines.append(text(language, "answer_see_also", title=other.chunk.title))
            cited.append(other)
            break
    excerpts = [opening(shown, 120)] + [opening(r.chunk.text, 120) for r in cited[1:]]
    return {
        "text": "\n".join(lines),
        "citations": [
            {**r.citation, "chunk_id": r.chunk.chunk_id, "excerpt": text}
            for r, text in zip(cited, excerpts, strict=True)
        ],
    }
