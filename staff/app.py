"""The staff console as one Starlette application: its routes per area, the session and security middleware.

Every change goes through the same engines as the CLIs (``knowledge.library``, ``tickets``) and
is written to the audit log. Pages are rendered on the server (Jinja2 with autoescaping); the only
client-side behaviour is a page refresh while an index build runs.
"""

from __future__ import annotations

from typing import Optional

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from actions.settings import Settings, get_settings
from feedback.store import AnswerLog
from knowledge.embedding import Embedder
from staff.console import Console
from staff.pages import HERE
from staff.routes import accounts, dashboard, faq, glossary, knowledge, review, tickets
from staff.security import SecurityHeaders, on_http_exception, secret_key
from tickets.store import TicketStore


def create_app(
    settings: Optional[Settings] = None,
    ticket_store: Optional[TicketStore] = None,
    embedder: Optional[Embedder] = None,
    answers: Optional[AnswerLog] = None,
) -> Starlette:
    """The console for ``settings``; a ticket store, an embedder and an answer log may be given (tests
    share theirs)."""
    settings = settings or get_settings()
    routes = [
        *accounts.ROUTES,
        *knowledge.ROUTES,
        *tickets.ROUTES,
        *review.ROUTES,
        *faq.ROUTES,
        *glossary.ROUTES,
        *dashboard.ROUTES,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key(settings),
            session_cookie="staff_session",
            max_age=8 * 3600,
            same_site="strict",
            https_only=settings.staff_secure_cookies,
        ),
    ]
    app = Starlette(
        routes=routes, middleware=middleware, exception_handlers={HTTPException: on_http_exception}
    )
    app.state.console = Console(settings, ticket_store, embedder, answers)
    return app
