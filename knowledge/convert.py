"""Turn a staff member's file (Markdown, text, Word, PDF) into a validated knowledge document.

A Markdown file that already has front matter is taken as it is (options override its fields); any other
file gets front matter from the options, with sensible defaults: the id from the file name, the title from
the first heading or line, the language from the text, the source from the file name, today's date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional

from bilingual import CJK_CHARS, EN, text_language
from knowledge.documents import ID_PATTERN, Document, parse_document, read_utf8
from knowledge.errors import DocumentError

FORMATS = (".md", ".markdown", ".txt", ".docx", ".pdf")


def _read_docx(path: Path) -> str:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise DocumentError(path, f"is not a readable Word (.docx) file ({error})") from None
    lines: List[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            lines.append("")
            continue
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        match = re.match(r"heading (\d)", style)
        if style == "title":
            lines.append(f"# {text}")
        elif match:
            lines.append(f"{'#' * min(6, int(match.group(1)) + 1)} {text}")
        else:
            lines.append(text)
        lines.append("")
    return "\n".join(lines)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as error:
        raise DocumentError(path, f"is not a readable PDF ({error})") from None
    text = "\n\n".join(pages)
    # PDF text breaks lines inside Chinese sentences; join lines that do not end a sentence.
    text = re.sub(rf"(?<=[{CJK_CHARS}，、])\s*\n\s*(?=[{CJK_CHARS}])", "", text)
    return text


def read_text(path: Path) -> str:
    """The text of a supported file; every failure is a :class:`DocumentError` naming the file."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DocumentError(path, f"unsupported format '{suffix or '(none)'}' (use {', '.join(FORMATS)})")
    if not path.is_file():
        raise DocumentError(path, "does not exist or is not a file")
    if suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text = _read_pdf(path)
    else:
        text = read_utf8(path)
    if not text.strip():
        raise DocumentError(path, "contains no text")
    return text


def _default_id(path: Path, text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path.stem).strip("-").lower()[:60]
    if len(slug) >= 3 and ID_PATTERN.match(slug):
        return slug
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _default_title(text: str, path: Path) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:80]
    return path.stem


def convert_file(path: Path, options: Optional[Dict[str, object]] = None) -> Document:
    """Build a :class:`Document` from ``path``; ``options`` (id, title, lang, source, topics, source_url)
    override what the file says."""
    options = {k: v for k, v in (options or {}).items() if v not in (None, "", [])}
    text = read_text(path)
    if path.suffix.lower() in (".md", ".markdown") and text.lstrip("\ufeff").startswith("---"):
        document = parse_document(text, path)
        if options:
            merged = {**document.front_matter(), **options}
            document = parse_document(_with_front_matter(merged, document.body), path)
        return replace(document, path=str(path))
    body = text.strip()
    if path.suffix.lower() == ".txt" or not body.lstrip().startswith("#"):
        title = str(options.get("title") or _default_title(body, path))
        if not body.startswith("#"):
            body = f"# {title}\n\n{body}"
    meta = {
        "id": options.get("id") or _default_id(path, body),
        "title": options.get("title") or _default_title(body, path),
        "lang": options.get("lang") or text_language(body[:2000]) or EN,
        "topics": options.get("topics") or ["general"],
        "source": options.get("source") or path.name,
        "updated": dt.date.today().isoformat(),
    }
    if options.get("source_url"):
        meta["source_url"] = options["source_url"]
    document = parse_document(_with_front_matter(meta, body), path)
    return replace(document, path=str(path))


def _with_front_matter(meta: Dict[str, object], body: str) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"
