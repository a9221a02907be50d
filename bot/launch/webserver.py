"""Serve the website chat page (the files ``make web`` builds into ``var/web/``) with strict headers.

Standard library only, like :mod:`bot.launch.pilot`, which starts it next to the two Rasa processes. In a
real deployment the same files are served by the bureau's web server with the same headers (see the
README); this server exists so that ``make run`` gives a working page on one machine.

The page learns where the Rasa server is from ``index.html``'s ``data-server`` attribute, filled in
per request: the host name the visitor used with the Rasa port, or ``WEB_RASA_URL`` when set.
"""

from __future__ import annotations

import argparse
import html
import mimetypes
import sys
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "var" / "web"
PLACEHOLDER = "__RASA_URL__"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


def content_security_policy(rasa_url: str) -> str:
    """Scripts and styles from this server only; network access to this server and Rasa only."""
    parts = urlsplit(rasa_url)
    websocket = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {parts.scheme}://{parts.netloc} {websocket}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
            "object-src 'none'",
        ]
    )


def rasa_url_for(host_header: Optional[str], rasa_port: int, configured: Optional[str]) -> str:
    """The Rasa URL a visitor's browser should use: configured, or the page's host on the Rasa port."""
    if configured:
        return configured.rstrip("/")
    hostname = urlsplit(f"//{host_header or 'localhost'}").hostname or "localhost"
    if ":" in hostname:  # IPv6 literal
        hostname = f"[{hostname}]"
    return f"http://{hostname}:{rasa_port}"


class WebChatHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the files of one directory; nothing else, no listings, no paths outside it."""

    server_version = "ip-assistant-web"
    sys_version = ""

    def __init__(
        self, *args: object, directory: Path, rasa_port: int, rasa_url: Optional[str], **kwargs: object
    ):
        self.directory = directory.resolve()
        self.rasa_port = rasa_port
        self.configured_rasa_url = rasa_url
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        sys.stderr.write("web %s\n" % (format % args))

    def _headers(self, status: HTTPStatus, content_type: str, length: int, rasa_url: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", content_security_policy(rasa_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Cross-Origin-Resource-Policy", "cross-origin")  # the widget can be embedded
        self.end_headers()

    def _resolve(self, path: str) -> Optional[Path]:
        relative = urlsplit(path).path.lstrip("/") or "index.html"
        candidate = (self.directory / relative).resolve()
        if self.directory not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def _respond(self, with_body: bool) -> None:
        rasa_url = rasa_url_for(self.headers.get("Host"), self.rasa_port, self.configured_rasa_url)
        if urlsplit(self.path).path == "/health":
            body = b'{"status": "ok"}'
            self._headers(HTTPStatus.OK, "application/json", len(body), rasa_url)
        else:
            file = self._resolve(self.path)
            if file is None:
                body = b"not found"
                self._headers(HTTPStatus.NOT_FOUND, TYPES[".txt"], len(body), rasa_url)
            else:
                body = file.read_bytes()
                if file.name == "index.html":
                    body = body.replace(PLACEHOLDER.encode(), html.escape(rasa_url).encode())
                kind = (
                    TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                )
                self._headers(HTTPStatus.OK, kind, len(body), rasa_url)
        if with_body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        self._respond(with_body=False)


def make_server(
    host: str, port: int, directory: Path, rasa_port: int, rasa_url: Optional[str]
) -> ThreadingHTTPServer:
    handler = partial(WebChatHandler, directory=directory, rasa_port=rasa_port, rasa_url=rasa_url)
    return ThreadingHTTPServer((host, port), handler)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument(
        "--rasa-url", default=None, help="the Rasa URL browsers use (default: page host, Rasa port)"
    )
    args = parser.parse_args(argv)
    if not (args.dir / "widget.js").is_file():
        print(f"error: no built chat page in {args.dir}: run 'make web'", file=sys.stderr)
        return 1
    server = make_server(args.host, args.port, args.dir, args.rasa_port, args.rasa_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
