"""The FAQ pages: entries staff wrote or took from a document's section, made from a queued question or
from scratch, deleted, exported and imported (YAML or CSV). Each save rebuilds the index (only the entry
is embedded) and is live for the assistant at once; every change is audited.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from knowledge import faq
from knowledge.documents import Document
from knowledge.errors import KnowledgeError
from staff.console import Console, console
from staff.pages import back, page
from staff.security import MAX_UPLOAD, checked_form, require

LANGUAGES = ("zh", "en")


def _sections(documents: List[Document]) -> Dict[str, List[Tuple[str, str]]]:
    """Per language, every section of every document (not FAQ entries): (value, label) for a select."""
    found: Dict[str, List[Tuple[str, str]]] = {lang: [] for lang in LANGUAGES}
    for document in sorted(documents, key=lambda d: d.id):
        if document.kind == "document":
            for section in faq.sections_of(document):
                found[document.lang].append((f"{document.id}|{section}", f"{document.title} › {section}"))
    return found


async def faq_page(request: Request) -> Response:
    require(request, "knowledge")
    c = console(request)
    documents = await run_in_threadpool(c.library.documents)
    entries = sorted((d for d in documents if d.kind == "faq"), key=lambda d: (d.id, d.lang))
    asked = request.query_params.get("question", "")
    lang = request.query_params.get("lang", "zh")
    topics = sorted({(d.family, d.title) for d in documents if d.kind == "document" and d.lang == "zh"})
    return page(
        request,
        "faq.html",
        entries=entries,
        answer_of=faq.answer_text,
        sections=_sections(documents),
        prefill={"zh": asked if lang != "en" else "", "en": asked if lang == "en" else ""},
        answer_ids=request.query_params.get("answer_ids", ""),
        topics=topics,
        related=request.query_params.get("related", ""),
        message=request.query_params.get("msg", ""),
        error=request.query_params.get("error", ""),
    )


def _lines(value: object) -> List[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _entries_from_form(c: Console, form: Dict[str, str]) -> List[Document]:
    """One entry per language that has questions, all under one new id."""
    documents = c.library.documents()
    entry_id = faq.new_id(d.id for d in documents if d.kind == "faq")
    entries = []
    for lang in LANGUAGES:
        questions = _lines(form.get(f"questions_{lang}"))
        if not questions:
            continue
        if form.get("mode") == "passage":
            doc_id, _, section = str(form.get(f"section_{lang}") or "").partition("|")
            document = next((d for d in documents if d.id == doc_id and d.lang == lang), None)
            if document is None:
                raise KnowledgeError(f"{lang}: choose the document section that answers the questions")
            entries.append(faq.passage_answer(entry_id, questions, document, section))
        else:
            answer, source = str(form.get(f"answer_{lang}") or ""), str(form.get("source") or "")
            related = str(form.get("answers_for") or "") or None
            if related and not any(d.id == related and d.kind == "document" for d in documents):
                raise KnowledgeError(f"no document '{related}' to relate the entry to")
            entries.append(faq.staff_answer(entry_id, lang, questions, answer, source, related))
    if not entries:
        raise KnowledgeError("write at least one question, in Chinese or in English")
    return entries


async def create(request: Request) -> Response:
    user = require(request, "knowledge")
    form = dict(await checked_form(request))
    c = console(request)

    def save() -> Tuple[List[Document], object]:
        entries = _entries_from_form(c, form)
        return entries, c.library.add(entries)

    try:
        entries, report = await run_in_threadpool(save)
    except KnowledgeError as error:
        return _error(str(error), form)
    keys = ", ".join(e.key for e in entries)
    c.accounts.audit(user.username, "create-faq", keys, f"{report.embedded_chunks} chunks embedded")
    handled = [i for i in str(form.get("answer_ids") or "").split(",") if i]
    if handled:  # made from the review queue: those replies are dealt with
        changed = await run_in_threadpool(c.answers.set_review, handled, "handled", user.username)
        c.accounts.audit(
            user.username, "review-handled", ",".join(handled[:20]), f"{changed} replies; {keys}"
        )
    return back("/faq", keys)


async def delete(request: Request) -> Response:
    user = require(request, "knowledge")
    await checked_form(request)
    c = console(request)
    lang, entry_id = request.path_params["lang"], request.path_params["entry_id"]
    entry = next(
        (d for d in c.library.documents() if d.kind == "faq" and d.key == f"{lang}/{entry_id}"), None
    )
    if entry is None:
        return _error(f"no FAQ entry {lang}/{entry_id}")
    await run_in_threadpool(c.library.remove, entry_id, lang)
    c.accounts.audit(user.username, "delete-faq", entry.key, entry.questions[0])
    return back("/faq", entry.key)


async def export(request: Request) -> Response:
    user = require(request, "knowledge")
    c = console(request)
    kind = request.path_params["format"]
    if kind not in ("yaml", "csv"):
        raise HTTPException(404, "export as faq.yaml or faq.csv")
    entries = [d for d in c.library.documents() if d.kind == "faq"]
    body = faq.to_yaml(entries) if kind == "yaml" else "\ufeff" + faq.to_csv(entries)
    c.accounts.audit(user.username, "export-faq", kind, f"{len(entries)} entries")
    media = "application/yaml; charset=utf-8" if kind == "yaml" else "text/csv; charset=utf-8"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="faq.{kind}"'}
    )


async def import_entries(request: Request) -> Response:
    user = require(request, "knowledge")
    form = await checked_form(request)
    upload = form.get("file")
    name = str(getattr(upload, "filename", "") or "")
    data = await upload.read() if upload is not None and hasattr(upload, "read") else b""
    if not data or len(data) > MAX_UPLOAD:
        return _error("choose a YAML or CSV file of FAQ entries (at most a few MB)")
    c = console(request)

    def load() -> Tuple[List[Document], object]:
        text = data.decode("utf-8-sig")
        entries = faq.from_csv(text) if name.lower().endswith(".csv") else faq.from_yaml(text)
        existing = {d.key for d in c.library.documents()}
        new = [e for e in entries if e.key not in existing]
        changed = [e for e in entries if e.key in existing]
        report = None
        if changed:
            report = c.library.update(changed)
        if new:
            report = c.library.add(new)
        return entries, report

    try:
        entries, _ = await run_in_threadpool(load)
    except (KnowledgeError, UnicodeDecodeError) as error:
        return _error(str(error))
    c.accounts.audit(user.username, "import-faq", name, f"{len(entries)} entries")
    return back("/faq", f"{len(entries)}")


def _error(error: str, form: Optional[Dict[str, str]] = None) -> Response:
    keep = {k: str(form.get(k) or "") for k in ("answer_ids",)} if form else {}
    return RedirectResponse(f"/faq?{urlencode({'error': error[:300], **keep})}", status_code=303)


ROUTES = [
    Route("/faq", faq_page),
    Route("/faq/new", create, methods=["POST"]),
    Route("/faq/import", import_entries, methods=["POST"]),
    Route("/faq/export.{format:str}", export),
    Route("/faq/{lang:str}/{entry_id:str}/delete", delete, methods=["POST"]),
]
