"""The dashboard: questions per day, how they ended (answered, not covered, declined), ratings, the
documents cited most and the questions left unanswered most, per language, over the last days."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from feedback.grouping import group
from feedback.stats import KINDS, summarise
from staff import charts
from staff.console import console
from staff.pages import page
from staff.security import require

WINDOWS = (7, 30, 90)


async def dashboard(request: Request) -> Response:
    require(request, "knowledge")
    c = console(request)
    asked = request.query_params.get("days", "")
    days = int(asked) if asked in {str(w) for w in WINDOWS} else 30
    language = request.query_params.get("language") or None
    language = language if language in ("zh", "en") else None

    def figures() -> dict:
        summary = summarise(c.answers, days, language)
        open_items = [i for i in c.answers.queue("open", language) if i.why != "low_confidence"]
        groups = group(open_items, c.question_vectors([i.question for i in open_items]))[:10]
        return {"summary": summary, "groups": groups}

    found = await run_in_threadpool(figures)
    summary = found["summary"]
    bars, top = charts.stacked_days(summary.days, summary.per_day, KINDS)
    cited = summary.cited.most_common(10)
    return page(
        request,
        "dashboard.html",
        s=summary,
        kinds=KINDS,
        colours=charts.COLOURS,
        day_bars=bars,
        top=top,
        cited=cited,
        cited_bars=charts.horizontal(cited),
        groups=found["groups"],
        chart={"width": charts.WIDTH, "height": charts.HEIGHT, "margin": charts.MARGIN},
        windows=WINDOWS,
        chosen={"days": days, "language": language or ""},
    )


ROUTES = [Route("/dashboard", dashboard)]
