"""The review queue: what the assistant could not answer, answered unsurely, or users disliked, grouped by
similar question, with filters; staff mark a group handled or ignored (audited)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from feedback.grouping import group
from feedback.models import REVIEW_STATES
from feedback.store import FeedbackError
from staff.console import console
from staff.pages import back, page
from staff.security import checked_form, language, require
from staff.texts import TEXTS

WHY = ("disliked", "not_covered", "declined", "low_confidence")


async def review(request: Request) -> Response:
    require(request, "knowledge")
    c = console(request)
    state = request.query_params.get("state", "open")
    state = state if state in REVIEW_STATES else "open"
    asked_in = request.query_params.get("language") or None
    asked_in = asked_in if asked_in in ("zh", "en") else None
    why = request.query_params.get("why") or None
    why = why if why in WHY else None

    def grouped() -> list:
        items = [i for i in c.answers.queue(state, asked_in) if why is None or i.why == why]
        return group(items, c.question_vectors([i.question for i in items]))

    groups = await run_in_threadpool(grouped)  # encoding questions is CPU work
    return page(
        request,
        "review.html",
        groups=groups,
        states=REVIEW_STATES,
        whys=WHY,
        chosen={"state": state, "language": asked_in or "", "why": why or ""},
        message=request.query_params.get("msg", ""),
    )


async def mark(request: Request) -> Response:
    user = require(request, "knowledge")
    form = await checked_form(request)
    ids = [i for i in str(form.get("answer_ids", "")).split(",") if i]
    state = str(form.get("state", ""))
    try:
        changed = await run_in_threadpool(console(request).answers.set_review, ids, state, user.username)
    except FeedbackError as error:
        return back("/review", str(error))
    console(request).accounts.audit(
        user.username, f"review-{state}", ",".join(ids[:20]), f"{changed} replies"
    )
    return back("/review", TEXTS[language(request)]["done"])


ROUTES = [
    Route("/review", review),
    Route("/review/mark", mark, methods=["POST"]),
]
