"""The staff console's web layer: routes, sign-in, roles, CSRF protection, security headers.

Every change goes through the same engines as the CLIs (``knowledge.library``, ``actions.tickets``) and
is written to the audit log. Pages are rendered on the server (Jinja2 with autoescaping); the only
client-side behaviour is a page refresh while an index build runs.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from actions.settings import Settings, get_settings
from actions.tickets.models import STATUSES
from actions.tickets.store import TRANSITIONS, TicketError, TicketStore, store_from_env
from actions.tickets.validators import mask_email, mask_phone
from actions.workstations import load_directory
from knowledge.chunking import chunk_document
from knowledge.convert import FORMATS, convert_file
from knowledge.documents import parse_document
from knowledge.errors import KnowledgeError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.search import KnowledgeBase
from staff.accounts import Accounts
from staff.texts import TEXTS

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 10 * 1024 * 1024
templates = Jinja2Templates(directory=str(HERE / "templates"))


class Console:
    """What the pages work with: accounts, the knowledge library and its index, the ticket store."""

    def __init__(self, settings: Settings, tickets: Optional[TicketStore] = None) -> None:
        self.settings = settings
        self.accounts = Accounts(settings.staff_database_url)
        self.library = KnowledgeLibrary(LibraryConfig.from_settings(settings))
        self._tickets = tickets
        self._base: Optional[KnowledgeBase] = None
        self.build_lock = threading.Lock()
        self.build_state: Dict[str, Any] = {
            "running": False,
            "done": 0,
            "total": 0,
            "error": "",
            "result": "",
        }

    @property
    def tickets(self) -> TicketStore:
        return self._tickets or store_from_env()

    @property
    def knowledge_base(self) -> KnowledgeBase:
        if self._base is None:
            self._base = KnowledgeBase.from_settings(self.settings)
            self._base.embedder = self.library.embedder  # one model in memory for building and searching
        return self._base

    def start_rebuild(self, actor: str) -> bool:
        """Rebuild the whole index in a background thread; False if a build is running already."""
        if not self.build_lock.acquire(blocking=False):
            return False
        self.build_state.update(running=True, done=0, total=0, error="", result="")

        def progress(done: int, total: int) -> None:
            self.build_state.update(done=done, total=total)

        def work() -> None:
            try:
                report = self.library.rebuild(full=True, progress=progress)
                self.build_state["result"] = f"{report.total_chunks} chunks, {report.seconds:.0f} s"
                self.accounts.audit(actor, "rebuild-index", report.build_id or "", self.build_state["result"])
            except Exception as error:  # shown on the page; the previous index keeps serving
                self.build_state["error"] = str(error)
            finally:
                self.build_state["running"] = False
                self.build_lock.release()

        threading.Thread(target=work, daemon=True).start()
        return True


# --- helpers shared by the pages ----------------------------------------------------------------
def console(request: Request) -> Console:
    return request.app.state.console


def language(request: Request) -> str:
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


# --- sign-in --------------------------------------------------------------------------------------
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


# --- knowledge base -------------------------------------------------------------------------------
def index_status(c: Console) -> Dict[str, Any]:
    manifest = c.library.store.read_manifest()
    return {"manifest": manifest, "pending": c.library.pending(manifest)}


async def knowledge(request: Request) -> Response:
    require(request, "knowledge")
    c = console(request)
    return page(
        request,
        "knowledge.html",
        documents=sorted(c.library.documents(), key=lambda d: (d.lang, d.id)),
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


# --- tickets ----------------------------------------------------------------------------------------
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


# --- accounts and audit (admin) ---------------------------------------------------------------------
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


# --- the application ---------------------------------------------------------------------------------
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


async def _forbidden(request: Request, exc: HTTPException) -> Response:
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


def create_app(settings: Optional[Settings] = None, ticket_store: Optional[TicketStore] = None) -> Starlette:
    settings = settings or get_settings()
    routes = [
        Route("/", home),
        Route("/health", health),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/knowledge", knowledge),
        Route("/knowledge/upload", upload, methods=["POST"]),
        Route("/knowledge/rebuild", rebuild, methods=["POST"]),
        Route("/knowledge/hit-test", hit_test),
        Route("/knowledge/{lang:str}/{doc_id:str}", document, methods=["GET", "POST"]),
        Route("/knowledge/{lang:str}/{doc_id:str}/delete", delete_document, methods=["POST"]),
        Route("/tickets", tickets),
        Route("/tickets/export.csv", export_tickets),
        Route("/tickets/{number:str}", ticket, methods=["GET", "POST"]),
        Route("/users", users, methods=["GET", "POST"]),
        Route("/audit", audit),
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
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: _forbidden})
    app.state.console = Console(settings, ticket_store)
    return app
