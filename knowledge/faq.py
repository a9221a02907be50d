"""FAQ entries: staff's answers to questions users asked, searched with the documents, each with its source.

An entry is a small document of kind ``faq`` (``knowledge/docs/faq/<lang>/<id>.md``): its question
phrasings are search keys (:mod:`knowledge.question_keys`), its body is the answer. The answer is either
a chosen passage of a document, which the entry then answers for (it is searched as that document and
cites it in its source line), or text staff wrote, whose source line says it comes from the bureau. It
goes live with the next index build, like any document: no retraining, no restart.

Import and export: a YAML list of entries (what :func:`to_records` gives), or CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from knowledge.chunking import _sections
from knowledge.documents import ID_PATTERN, Document
from knowledge.errors import DocumentError

BUREAU = {
    "zh": "普陀区市场监督管理局工作人员撰写",
    "en": "Written by the staff of the Putuo District Administration for Market Regulation",
}
TITLE = {"zh": "常见问题：{question}", "en": "FAQ: {question}"}
PASSAGE_SOURCE = {"zh": "《{title}》{section}；{source}", "en": '"{title}" {section}; {source}'}
SEPARATOR = {"zh": "；", "en": "; "}
CSV_FIELDS = ("id", "lang", "questions", "answer", "source", "answers_for", "updated")


def new_id(existing: Iterable[str], today: Optional[dt.date] = None) -> str:
    """``faq-<date>-<n>``, the next number free on that day."""
    stem = f"faq-{(today or dt.date.today()):%Y%m%d}-"
    taken = {int(i[len(stem) :]) for i in existing if i.startswith(stem) and i[len(stem) :].isdigit()}
    return f"{stem}{min(set(range(1, len(taken) + 2)) - taken):02d}"


def _questions(questions: Sequence[str], where: str = "faq") -> Tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(q.strip() for q in questions if q and q.strip()))
    if not cleaned:
        raise DocumentError(where, "an FAQ entry needs at least one question", "questions")
    return cleaned


def _entry(
    entry_id: str,
    lang: str,
    questions: Tuple[str, ...],
    answer: str,
    source: str,
    answers_for: Optional[str],
    where: str = "faq",
) -> Document:
    if not ID_PATTERN.match(entry_id):
        raise DocumentError(where, "use letters, digits, '-' or '_'", "id")
    if lang not in ("zh", "en"):
        raise DocumentError(where, "must be zh or en", "lang")
    if not answer.strip():
        raise DocumentError(where, "an FAQ entry needs an answer", "answer")
    if answers_for and not ID_PATTERN.match(answers_for):
        raise DocumentError(where, "must be the id of a document", "answers_for")
    title = TITLE[lang].format(question=questions[0].rstrip("？?"))
    return Document(
        id=entry_id,
        title=title,
        lang=lang,
        topics=["faq"],
        source=source,
        updated=dt.date.today().isoformat(),
        body=f"# {title}\n\n{answer.strip()}",
        questions=questions,
        kind="faq",
        answers_for=answers_for,
    )


def staff_answer(
    entry_id: str,
    lang: str,
    questions: Sequence[str],
    answer: str,
    source: str,
    answers_for: Optional[str] = None,
) -> Document:
    """An entry answered with text staff wrote; ``source`` (required) is what the answer rests on, and the
    source line says the text comes from the bureau. ``answers_for``: the document whose subject it belongs
    to ("调解收费吗" to the mediation guide), so that it is searched as that document and does not compete
    with it; without one, the entry is a subject of its own."""
    if not source.strip():
        raise DocumentError(
            "faq", "staff-written answers need a source line (what the answer rests on)", "source"
        )
    line = source.strip()
    if not line.startswith(BUREAU[lang]):
        line = f"{BUREAU[lang]}{SEPARATOR[lang]}{line}"
    return _entry(entry_id, lang, _questions(questions), answer, line, answers_for or None)


def sections_of(document: Document) -> Dict[str, str]:
    """Each section of a document (heading path joined by " > ") and its text, in order."""
    found: Dict[str, str] = {}
    for path, paragraphs in _sections(document.body):
        name = " > ".join(path)
        found[name] = "\n\n".join([*filter(None, [found.get(name)]), *paragraphs])
    return found


def passage_answer(entry_id: str, questions: Sequence[str], document: Document, section: str) -> Document:
    """An entry answered with one section of ``document`` (in the document's language), which it answers
    for and cites."""
    text = sections_of(document).get(section)
    if not text:
        raise DocumentError("faq", f"'{document.id}' has no section '{section}'", "section")
    heading = section.split(" > ")[-1]
    source = PASSAGE_SOURCE[document.lang].format(
        title=document.title, section=heading, source=document.source
    )
    return _entry(entry_id, document.lang, _questions(questions), text, source, document.family)


def answer_text(entry: Document) -> str:
    """The answer of an entry: its body without the title heading."""
    return re.sub(r"\A#[^\n]*\n+", "", entry.body).strip()


def to_records(entries: Sequence[Document]) -> List[Dict]:
    """Entries as plain records (YAML and CSV export)."""
    return [
        {
            "id": e.id,
            "lang": e.lang,
            "questions": list(e.questions),
            "answer": answer_text(e),
            "source": e.source,
            "answers_for": e.answers_for or "",
            "updated": e.updated,
        }
        for e in entries
        if e.kind == "faq"
    ]


def from_records(records: object) -> List[Document]:
    """Entries from records (YAML or CSV import); every error names the entry and the field."""
    if not isinstance(records, list):
        raise DocumentError("faq import", "expected a list of entries")
    entries = []
    for number, record in enumerate(records, 1):
        where = f"faq import entry {number}"
        if not isinstance(record, dict):
            raise DocumentError(where, "is not a mapping")
        questions = record.get("questions")
        if isinstance(questions, str):
            questions = [q for q in questions.split("\n") if q.strip()]
        if not isinstance(questions, list):
            raise DocumentError(where, "must be a list of questions", "questions")
        source = str(record.get("source") or "").strip()
        if not source:
            raise DocumentError(where, "every FAQ answer needs its source", "source")
        entries.append(
            _entry(
                str(record.get("id") or ""),
                str(record.get("lang") or ""),
                _questions([str(q) for q in questions], where),
                str(record.get("answer") or ""),
                source,
                str(record.get("answers_for") or "") or None,
                where,
            )
        )
    return entries


def to_yaml(entries: Sequence[Document]) -> str:
    return yaml.safe_dump(to_records(entries), allow_unicode=True, sort_keys=False)


def from_yaml(text: str) -> List[Document]:
    try:
        return from_records(yaml.safe_load(text))
    except yaml.YAMLError as error:
        raise DocumentError("faq import", f"not valid YAML ({error})") from None


def to_csv(entries: Sequence[Document]) -> str:
    """One row per entry; questions one per line in their cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for record in to_records(entries):
        writer.writerow({**record, "questions": "\n".join(record["questions"])})
    return out.getvalue()


def from_csv(text: str) -> List[Document]:
    return from_records(list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")))))
