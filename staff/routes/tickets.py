"""The ticket pages: the queue (contact data masked), a ticket's detail and workflow, CSV export."""

from __future__ import annotations

import io

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from staff.console import console
from staff.pages import back, page
from staff.security import checked_form, require
from tickets.models import STATUSES
from tickets.store import TRANSITIONS, TicketError
from tickets.validators import mask_email, mask_phone
from tickets.workstations import load_directory


def _masked(ticket) -> str:  # noqa: ANN001
    return " / ".join(x for x in (mask_phone(ticket.phone), mask_email(ticket.email)) if x)


async def tickets(request: Request) -> Response:
    require(request, "tickets")
    status = request.query_params.get("status") or None
    station = request.query_params.get("workstation") or None
    kind = request.query_params.get("type") or None
    found = console(request).tickets.list(status=status if status in STATUSES else None, workstation=station)
    if kind:
        found = [t for t in found if t.request_type == kind]
    return page(
        request,
        "tickets.html",
        tickets=found,
        masked=_masked,
        statuses=STATUSES,
        stations=load_directory(),
        types=sorted({t.request_type for t in found} | {kind or ""} - {""}),
        chosen={"status": status or "", "workstation": station or "", "type": kind or ""},
    )


async def ticket(request: Request) -> Response:
    user = require(request, "tickets")
    store = console(request).tickets
    number = request.path_params["number"]
    error = ""
    if request.method == "POST":
        form = await checked_form(request)
        action = form.get("action")
        try:
            if action == "assign":
                store.assign(number, str(form.get("assignee", "")).strip(), actor=user.username)
            elif action == "status":
                store.set_status(
                    number, str(form.get("status", "")), actor=user.username, note=str(form.get("note", ""))
                )
            elif action == "note":
                store.add_note(number, str(form.get("note", "")), actor=user.username)
            else:
                raise TicketError("unknown action")
            console(request).accounts.audit(
                user.username, f"ticket-{action}", number, str(form.get("status", ""))
            )
            return back(f"/tickets/{number}")
        except TicketError as failure:
            error = str(failure)
    found = store.get(number)
    if found is None:
        raise HTTPException(404, f"no ticket {number}")
    return page(request, "ticket.html", ticket=found, statuses=TRANSITIONS[found.status], error=error)


async def export_tickets(request: Request) -> Response:
    user = require(request, "tickets")
    out = io.StringIO()
    rows = console(request).tickets.export_csv(out)
    console(request).accounts.audit(user.username, "export-tickets", "csv", f"{rows} rows")
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tickets.csv"'},
    )


ROUTES = [
    Route("/tickets", tickets),
    Route("/tickets/export.csv", export_tickets),
    Route("/tickets/{number:str}", ticket, methods=["GET", "POST"]),
]
