"""Knowledge documents: Markdown files with YAML front matter.

```
---
id: trademark-enforcement          # letters, digits, '-', '_'; unique per language
title: 商标行政执法保护
lang: zh                           # zh | en
topics: [trademark, livestream]
source: 000_f5f02640411e6337.txt, 二、（二）4
source_url: https://...            # optional
updated: 2023-04-13                # the date of the page's last change (set when it is saved)
effective: 2023-05-01              # optional; the policy applies from this date
expires: 2025-12-31                # optional; the last day it applies: after it, it no longer answers
translation_of: trademark-enforcement   # optional; an English version names its Chinese original
questions:                         # optional; questions the document answers, searched as extra keys
  - 商标侵权怎么举报？
kind: faq                          # optional; "faq" for an FAQ entry staff made (knowledge/docs/faq/)
answers_for: how-to-request-mediation   # optional (FAQ); the document whose subject it answers
---
# Heading
Text...
```
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from knowledge.errors import DocumentError

LANGUAGES = ("zh", "en")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
REQUIRED = ("id", "title", "lang", "topics", "source", "updated")
OPTIONAL = ("source_url", "translation_of", "questions", "kind", "answers_for", "effective", "expires")
KNOWN = set(REQUIRED) | set(OPTIONAL)
KINDS = ("document", "faq")
MAX_QUESTIONS = 100
MAX_QUESTION_CHARS = 300
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML with dates left as text, so a wrong date ("2023-13-01") is reported with its field name
    instead of failing inside the YAML library."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    """One knowledge document, validated."""

    id: str
    title: str
    lang: str
    topics: List[str]
    source: str
    updated: str
    body: str
    source_url: Optional[str] = None
    translation_of: Optional[str] = None
    # Questions the document answers, in its language: search keys a user's question is matched against
    # (knowledge.question_keys); the title and headings are keys too, so every document has some.
    questions: Tuple[str, ...] = ()
    # An FAQ entry (staff's answer to a question users asked, with its source) is a small document of its own
    # kind; ``answers_for`` ties it to the document whose subject it answers (searched as that document).
    kind: str = "document"
    answers_for: Optional[str] = None
    # Validity (knowledge.validity): from when and until when the document applies; ISO dates or None.
    effective: Optional[str] = None
    expires: Optional[str] = None
    path: Optional[str] = field(default=None, compare=False)

    @property
    def family(self) -> str:
        """What a search result stands for: the original of a translation, the document an FAQ entry
        answers for, or the document itself."""
        return self.answers_for or self.translation_of or self.id

    @property
    def key(self) -> str:
        """Unique key in the index: the same id may exist once per language."""
        return f"{self.lang}/{self.id}"

    @property
    def content_hash(self) -> str:
        """Hash of everything that ends up in the index (front matter and body)."""
        payload = repr(
            (
                self.id,
                self.title,
                self.lang,
                self.topics,
                self.source,
                self.source_url,
                self.translation_of,
                self.updated,
                self.body,
                self.questions,
                *((self.kind, self.answers_for) if self.kind != "document" else ()),
                *((self.effective, self.expires) if self.effective or self.expires else ()),
            )
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def front_matter(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "lang": self.lang,
            "topics": list(self.topics),
            "source": self.source,
        }
        if self.source_url:
            data["source_url"] = self.source_url
        data["updated"] = self.updated
        if self.effective:
            data["effective"] = self.effective
        if self.expires:
            data["expires"] = self.expires
        if self.translation_of:
            data["translation_of"] = self.translation_of
        if self.questions:
            data["questions"] = list(self.questions)
        if self.kind != "document":
            data["kind"] = self.kind
        if self.answers_for:
            data["answers_for"] = self.answers_for
        return data

    def to_markdown(self) -> str:
        meta = yaml.safe_dump(self.front_matter(), allow_unicode=True, sort_keys=False).strip()
        return f"---\n{meta}\n---\n\n{self.body.strip()}\n"


def _text_field(meta: Dict[str, Any], name: str, path: object) -> str:
    value = meta.get(name)
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()[:10]
    if not isinstance(value, (str, int, float)) or not str(value).strip():
        raise DocumentError(path, "is missing or empty", name)
    return str(value).strip()


def _date_field(meta: Dict[str, Any], name: str, path: object) -> str:
    value = _text_field(meta, name, path)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise DocumentError(path, "must be a date such as 2023-04-13", name) from None


def parse_document(text: str, path: object = "<text>") -> Document:
    """Validate and build a :class:`Document`; every error names the file and, where known, the field."""
    if not text.strip():
        raise DocumentError(path, "the file is empty")
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise DocumentError(path, "no front matter: the file must start with a '---' block (see README)")
    try:
        meta = yaml.load(match.group(1), Loader=_FrontMatterLoader) or {}
    except yaml.YAMLError as error:
        raise DocumentError(path, f"the front matter is not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise DocumentError(path, "the front matter must be a mapping of fields")
    unknown = sorted(set(map(str, meta)) - KNOWN)
    if unknown:
        raise DocumentError(path, f"unknown field (allowed: {', '.join(sorted(KNOWN))})", unknown[0])
    values = {name: _text_field(meta, name, path) for name in ("id", "title", "lang", "source", "updated")}
    if not ID_PATTERN.match(values["id"]):
        raise DocumentError(path, "use letters, digits, '-' or '_' (at most 100)", "id")
    if values["lang"] not in LANGUAGES:
        raise DocumentError(path, f"must be one of {', '.join(LANGUAGES)}", "lang")
    values["updated"] = _date_field(meta, "updated", path)
    topics = meta.get("topics")
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(",")]
    if (
        not isinstance(topics, list)
        or not topics
        or not all(isinstance(t, str) and t.strip() for t in topics)
    ):
        raise DocumentError(path, "must be a non-empty list of words", "topics")
    optional = {}
    for name in ("source_url", "translation_of", "kind", "answers_for"):
        if meta.get(name) not in (None, ""):
            optional[name] = _text_field(meta, name, path)
    for name in ("effective", "expires"):
        if meta.get(name) not in (None, ""):
            optional[name] = _date_field(meta, name, path)
    if optional.get("effective") and optional.get("expires") and optional["expires"] < optional["effective"]:
        raise DocumentError(path, "must not be before 'effective'", "expires")
    for name in ("translation_of", "answers_for"):
        if optional.get(name) and not ID_PATTERN.match(optional[name]):
            raise DocumentError(path, "must be the id of another document", name)
    if optional.get("kind", "document") not in KINDS:
        raise DocumentError(path, f"must be one of {', '.join(KINDS)}", "kind")
    questions = _questions(meta.get("questions"), path)
    body = text.lstrip("\ufeff")[match.end() :].strip()
    if not body:
        raise DocumentError(path, "the document has no text after the front matter")
    return Document(
        topics=[t.strip() for t in topics],
        body=body,
        path=str(path),
        questions=questions,
        **values,
        **optional,
    )


def _questions(value: Any, path: object) -> Tuple[str, ...]:
    if value in (None, "", []):
        return ()
    if not isinstance(value, list) or not all(isinstance(q, str) and q.strip() for q in value):
        raise DocumentError(path, "must be a list of questions (text)", "questions")
    if len(value) > MAX_QUESTIONS or any(len(q) > MAX_QUESTION_CHARS for q in value):
        raise DocumentError(
            path, f"at most {MAX_QUESTIONS} questions of at most {MAX_QUESTION_CHARS} characters", "questions"
        )
    return tuple(dict.fromkeys(q.strip() for q in value))  # each once, in order


def read_utf8(path: Path) -> str:
    """A text file's content (a UTF-8 byte-order mark is dropped); errors name the file."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(path, "is not UTF-8 text") from None
    except OSError as error:
        raise DocumentError(path, f"cannot be read ({error.strerror})") from None


def load_document(path: Path) -> Document:
    return parse_document(read_utf8(path), path)


def load_documents(docs_dir: Path) -> List[Document]:
    """Every ``*.md`` under ``docs_dir``, validated; duplicate ids within a language are an error."""
    documents: List[Document] = []
    seen: Dict[str, str] = {}
    for path in sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir() else []:
        if any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            continue
        document = load_document(path)
        if document.key in seen:
            raise DocumentError(path, f"duplicate id '{document.id}' (also in {seen[document.key]})", "id")
        seen[document.key] = str(path)
        documents.append(document)
    return documents
