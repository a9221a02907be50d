"""Rendering a page (Jinja2, autoescaped) and redirecting after a form."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from staff.security import csrf_token, language, user_of
from staff.texts import TEXTS

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    lang = language(request)
    response = templates.TemplateResponse(
        request,
        name,
        {"t": TEXTS[lang], "lang": lang, "user": user_of(request), "csrf": csrf_token(request), **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") in TEXTS:
        response.set_cookie("staff_lang", lang, httponly=True, samesite="strict")
    return response


def back(url: str, message: str = "") -> RedirectResponse:
    return RedirectResponse(url + (f"?{urlencode({'msg': message})}" if message else ""), status_code=303)
