"""The console's security helpers: who is signed in, roles, CSRF tokens, security headers, the session key."""

from __future__ import annotations

import secrets
from typing import Optional

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from actions.settings import Settings
from staff.console import console
from staff.texts import TEXTS

MAX_UPLOAD = 10 * 1024 * 1024


def language(request: Request) -> str:
    """The console's language: chosen on the page (kept in a cookie), Chinese by default."""
    chosen = request.query_params.get("lang") or request.cookies.get("staff_lang")
    return chosen if chosen in TEXTS else "zh"


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def user_of(request: Request):  # noqa: ANN201 - StaffUser or None
    username = request.session.get("user")
    return console(request).accounts.get(username) if username else None


def require(request: Request, area: Optional[str] = None):  # noqa: ANN201
    """The signed-in user allowed into ``area``; otherwise a redirect to sign in, or 403."""
    user = user_of(request)
    if user is None:
        raise HTTPException(303, headers={"Location": "/login"})
    if area and not user.can(area):
        raise HTTPException(403, TEXTS[language(request)]["forbidden"])
    return user


async def checked_form(request: Request):  # noqa: ANN201 - FormData
    """The posted form, if it carries this session's CSRF token; 403 otherwise."""
    form = await request.form(max_part_size=MAX_UPLOAD)
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")
    return form


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (a plain ASGI middleware)."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        async def with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (k.lower().encode(), v.encode())
                    for k, v in SECURITY_HEADERS.items()
                    if k.lower().encode() not in present
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


async def on_http_exception(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 303:
        return RedirectResponse(exc.headers["Location"], status_code=303)
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


def secret_key(settings: Settings) -> str:
    """STAFF_SECRET_KEY, or a random key created once and kept (owner-readable only) in var/."""
    if settings.staff_secret_key:
        return settings.staff_secret_key
    path = settings.var_dir / "staff" / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
