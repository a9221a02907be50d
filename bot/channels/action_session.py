"""Calls to the action server reuse one HTTP client session (kept-alive connections) per event loop.

Rasa 3.6 opens a new ``aiohttp.ClientSession`` for every request to an endpoint, so every custom action
resolves the host name (in a thread), connects, and closes the connection again. Under load each of those
steps puts the message back in the queue of Rasa's one event loop, behind the other messages' work. This
keeps one session per endpoint and loop, whose connections stay open between actions; requests, headers,
authentication, per-request timeouts and errors are Rasa's own (``EndpointConfig.request`` is unchanged,
only the session it opens is shared and not closed after each request).

Idle connections are dropped after :data:`KEEPALIVE_SECONDS`, well before the action server (120 s) or
nginx (75 s) would close them, so a request never goes out on a connection the other side is closing.

Installed with :mod:`bot.channels.action_failure`, when our channels are imported.
"""

from __future__ import annotations

import asyncio
from contextlib import nullcontext
from typing import Dict, Tuple

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_SECONDS = 10.0

_SessionKey = Tuple[str, Tuple[Tuple[str, str], ...], Tuple[Tuple[str, str], ...]]
_sessions: Dict[_SessionKey, Tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}


def shared_session(endpoint: EndpointConfig) -> nullcontext:
    """The session of this endpoint (URL, headers, basic auth) on the running loop, made on first use
    (Rasa opens one with ``async with endpoint.session()`` for every request to any endpoint), lent in a
    context that leaves it open."""
    loop = asyncio.get_running_loop()
    key: _SessionKey = (
        endpoint.url or "",
        tuple(sorted((str(k), str(v)) for k, v in (endpoint.headers or {}).items())),
        tuple(sorted((str(k), str(v)) for k, v in (endpoint.basic_auth or {}).items())),
    )
    made_on, session = _sessions.get(key, (None, None))
    if session is None or session.closed or made_on is not loop:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        _sessions[key] = (loop, session)
    return nullcontext(session)


async def close_sessions() -> None:
    """Close the sessions of the running loop (when the server stops: no connection is left unclosed)."""
    loop = asyncio.get_running_loop()
    for key in [key for key, (made_on, _) in _sessions.items() if made_on is loop]:
        await _sessions.pop(key)[1].close()


def install() -> None:
    EndpointConfig.session = shared_session  # type: ignore[assignment,method-assign]
