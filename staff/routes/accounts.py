"""Signing in and out, the start page, accounts and the audit log (admins), and the health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from staff.console import console
from staff.pages import back, page
from staff.security import checked_form, csrf_token, language, require
from staff.texts import TEXTS


async def login(request: Request) -> Response:
    if request.method == "GET":
        return page(request, "login.html")
    form = await checked_form(request)
    result = console(request).accounts.sign_in(str(form.get("username", "")), str(form.get("password", "")))
    if result.user is None:
        t = TEXTS[language(request)]
        return page(
            request, "login.html", status_code=401, error=t["locked"] if result.locked else t["bad_login"]
        )
    request.session.clear()  # a new session for the signed-in user
    request.session["user"] = result.user.username
    csrf_token(request)
    return back("/tickets" if result.user.role == "handler" else "/knowledge")


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return back("/login")


async def home(request: Request) -> Response:
    user = require(request)
    return back("/tickets" if user.role == "handler" else "/knowledge")


async def users(request: Request) -> Response:
    user = require(request, "accounts")
    error = ""
    if request.method == "POST":
        form = await checked_form(request)
        try:
            console(request).accounts.create_user(
                str(form.get("username", "")),
                str(form.get("password", "")),
                str(form.get("role", "")),
                user.username,
            )
        except ValueError as failure:
            error = str(failure)
    return page(request, "users.html", accounts=console(request).accounts.users(), error=error)


async def audit(request: Request) -> Response:
    require(request, "accounts")
    return page(request, "audit.html", entries=console(request).accounts.audit_log())


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


ROUTES = [
    Route("/", home),
    Route("/health", health),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/users", users, methods=["GET", "POST"]),
    Route("/audit", audit),
]
