"""The knowledge base pages: documents, upload, edit with a chunk preview, delete, rebuild, hit testing.

Conversion, embedding and searching are blocking work: they run in a thread pool, off the event loop.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Dict
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from knowledge.chunking import chunk_document
from knowledge.convert import FORMATS, convert_file
from knowledge.documents import parse_document
from knowledge.errors import KnowledgeError
from knowledge.validity import IN_FORCE, status, today
from staff.console import Console, console, index_status
from staff.pages import back, page
from staff.security import MAX_UPLOAD, checked_form, require


async def knowledge(request: Request) -> Response:
    require(request, "knowledge")
    c = console(request)
    documents = sorted(c.library.documents(), key=lambda d: (d.lang, d.id))
    day = today()
    validity = {d.key: status(d.effective, d.expires, day) for d in documents}
    return page(
        request,
        "knowledge.html",
        documents=documents,
        validity=validity,
        withdrawn=[d for d in documents if validity[d.key] != IN_FORCE],
        status=index_status(c),
        build=c.build_state,
        formats=", ".join(FORMATS),
        message=request.query_params.get("msg", ""),
        error=request.query_params.get("error", ""),
    )


async def upload(request: Request) -> Response:
    user = require(request, "knowledge")
    form = await checked_form(request)
    upload = form.get("file")
    name = Path(getattr(upload, "filename", "") or "").name
    suffix = Path(name).suffix.lower()
    if not name or suffix not in FORMATS:
        return _knowledge_error(request, f"{name or '?'}: use {', '.join(FORMATS)}")
    data = await upload.read()
    if len(data) > MAX_UPLOAD:
        return _knowledge_error(request, f"{name}: larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    options = {
        "lang": form.get("lang") or None,
        "source": str(form.get("source") or "").strip() or None,
        "topics": [t.strip() for t in str(form.get("topics") or "").split(",") if t.strip()] or None,
    }
    c = console(request)
    try:  # conversion and embedding are blocking work: off the event loop
        document, report = await run_in_threadpool(_add_upload, c, name, data, options)
    except (KnowledgeError, ValueError) as error:
        return _knowledge_error(request, str(error))
    c.accounts.audit(user.username, "upload-document", document.key, f"{name}; {report.total_chunks} chunks")
    return back("/knowledge", f"{document.key} ({report.total_chunks} chunks)")


def _add_upload(c: Console, name: str, data: bytes, options: Dict[str, Any]):  # noqa: ANN202
    """Convert an uploaded file and add (or update) it in the library: (document, build report)."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / name
        path.write_bytes(data)
        document = convert_file(path, options)
        exists = any(d.key == document.key for d in c.library.documents())
        return document, (c.library.update if exists else c.library.add)([document])


def _knowledge_error(request: Request, error: str) -> Response:
    return RedirectResponse(f"/knowledge?{urlencode({'error': error[:300]})}", status_code=303)


async def document(request: Request) -> Response:
    user = require(request, "knowledge")
    c = console(request)
    lang, doc_id = request.path_params["lang"], request.path_params["doc_id"]
    found = [d for d in c.library.documents() if (d.id, d.lang) == (doc_id, lang)]
    if not found:
        raise HTTPException(404, f"no document {lang}/{doc_id}")
    text, chunks, error = found[0].to_markdown(), None, ""
    if request.method == "POST":
        form = await checked_form(request)
        text = str(form.get("text", ""))
        try:
            edited = parse_document(text)
            if (edited.id, edited.lang) != (doc_id, lang):
                raise ValueError("keep the id and the language (upload a new document instead)")
            if form.get("action") == "save":
                report = await run_in_threadpool(c.library.update, [edited])
                c.accounts.audit(user.username, "edit-document", edited.key, f"{report.total_chunks} chunks")
                return back("/knowledge", f"{edited.key} saved")
            chunks = chunk_document(edited, c.settings.chunk_size, c.settings.chunk_overlap)
        except (KnowledgeError, ValueError) as failure:
            error = str(failure)
    return page(request, "document.html", doc=found[0], text=text, chunks=chunks, error=error)


async def delete_document(request: Request) -> Response:
    user = require(request, "knowledge")
    await checked_form(request)
    lang, doc_id = request.path_params["lang"], request.path_params["doc_id"]
    try:
        removed, _ = await run_in_threadpool(console(request).library.remove, doc_id, lang)
    except KnowledgeError as error:
        return _knowledge_error(request, str(error))
    console(request).accounts.audit(user.username, "delete-document", f"{lang}/{doc_id}", ", ".join(removed))
    return back("/knowledge", f"{lang}/{doc_id} deleted")


async def rebuild(request: Request) -> Response:
    user = require(request, "knowledge")
    await checked_form(request)
    console(request).start_rebuild(user.username)
    return back("/knowledge")


async def hit_test(request: Request) -> Response:
    require(request, "knowledge")
    question = request.query_params.get("q", "").strip()[:500]
    lang = request.query_params.get("qlang") or None
    results, error = [], ""
    if question:
        try:
            results = await run_in_threadpool(
                console(request).knowledge_base.search, question, lang if lang in ("zh", "en") else None, 5
            )
        except KnowledgeError as failure:
            error = str(failure)
    return page(request, "hit_test.html", question=question, qlang=lang or "", results=results, error=error)


ROUTES = [
    Route("/knowledge", knowledge),
    Route("/knowledge/upload", upload, methods=["POST"]),
    Route("/knowledge/rebuild", rebuild, methods=["POST"]),
    Route("/knowledge/hit-test", hit_test),
    Route("/knowledge/{lang:str}/{doc_id:str}", document, methods=["GET", "POST"]),
    Route("/knowledge/{lang:str}/{doc_id:str}/delete", delete_document, methods=["POST"]),
]
