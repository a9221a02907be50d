"""The glossary page: staff add, change and remove terms (English ↔ Chinese ↔ synonyms). Each save writes
``glossary.yml`` and rebuilds the index, which embeds nothing (only the build's copy of the glossary
changes), so the change is live for the assistant within seconds; every change is audited.
"""

from __future__ import annotations

from typing import Dict
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from knowledge.errors import KnowledgeError
from knowledge.glossary import make_entry
from staff.console import console
from staff.pages import back, page
from staff.security import checked_form, require


async def glossary_page(request: Request) -> Response:
    require(request, "knowledge")
    c = console(request)
    glossary = await run_in_threadpool(c.library.glossary)
    wanted = request.query_params.get("q", "").strip().lower()[:60]
    entries = [
        e
        for e in glossary.entries
        if not wanted or wanted in e.en or any(wanted in w.lower() for w in (*e.zh, *e.synonyms))
    ]
    asked = request.query_params.get("edit", "")
    editing = glossary.find(asked) if asked else None
    return page(
        request,
        "glossary.html",
        entries=entries,
        total=len(glossary.entries),
        wanted=wanted,
        editing=editing,
        message=request.query_params.get("msg", ""),
        error=request.query_params.get("error", ""),
    )


async def save(request: Request) -> Response:
    user = require(request, "knowledge")
    form: Dict[str, str] = {k: str(v) for k, v in (await checked_form(request)).items()}
    c = console(request)
    original = form.get("original", "").strip().lower() or None

    def change():  # noqa: ANN202 - (entry, report)
        glossary = c.library.glossary()
        if original and glossary.find(original) is None:
            raise KnowledgeError(f"the glossary has no term '{original}' (it was removed meanwhile)")
        entry = make_entry(form.get("en"), form.get("zh"), form.get("synonyms"), "the term")
        return entry, c.library.save_glossary(glossary.with_entry(entry, replacing=original))

    try:
        entry, report = await run_in_threadpool(change)
    except KnowledgeError as error:
        return _error(str(error), form.get("original", ""))
    detail = f"{entry.en} = {', '.join(entry.zh)}"
    if entry.synonyms:
        detail += f"; synonyms {', '.join(entry.synonyms)}"
    action = "edit-glossary-term" if original else "add-glossary-term"
    c.accounts.audit(user.username, action, original or entry.en, f"{detail}; build {report.build_id}")
    return back("/glossary", entry.en)


async def delete(request: Request) -> Response:
    user = require(request, "knowledge")
    form = await checked_form(request)
    c = console(request)
    term = str(form.get("en", "")).strip().lower()

    def remove():  # noqa: ANN202 - (entry, report)
        glossary = c.library.glossary()
        entry = glossary.find(term)
        return entry, c.library.save_glossary(glossary.without(term))

    try:
        entry, report = await run_in_threadpool(remove)
    except KnowledgeError as error:
        return _error(str(error))
    detail = f"{', '.join(entry.zh)}; build {report.build_id}"
    c.accounts.audit(user.username, "delete-glossary-term", term, detail)
    return back("/glossary", term)


def _error(message: str, editing: str = "") -> Response:
    query = {"error": message[:300], **({"edit": editing} if editing else {})}
    return RedirectResponse(f"/glossary?{urlencode(query)}", status_code=303)


ROUTES = [
    Route("/glossary", glossary_page),
    Route("/glossary/save", save, methods=["POST"]),
    Route("/glossary/delete", delete, methods=["POST"]),
]
