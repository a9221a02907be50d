"""Calls to the action server share one kept-alive session: connections are reused, Rasa's contract stays."""

from __future__ import annotations

import asyncio
from typing import List, Tuple

import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.channels import action_session


async def _server(peers: List[Tuple[str, int]]) -> Tuple[web.AppRunner, str]:
    """A real HTTP server on a free port that records the client's address of every request."""

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername")[:2])
        body = await request.json()
        if body.get("slow"):
            await asyncio.sleep(2)
        return web.json_response({"events": [], "responses": [], "echo": body.get("n")})

    async def broken(_: web.Request) -> web.Response:
        return web.json_response({"error": "no"}, status=500)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    app.router.add_post("/broken", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def test_actions_reuse_one_connection_and_keep_rasas_contract() -> None:
    action_session.install()

    async def scenario() -> None:
        peers: List[Tuple[str, int]] = []
        runner, url = await _server(peers)
        try:
            endpoint = EndpointConfig(f"{url}/webhook")
            for n in range(3):
                reply = await endpoint.request(json={"n": n}, method="post", timeout=5)
                assert reply["echo"] == n
            assert len(peers) == 3 and len(set(peers)) == 1  # one connection, kept open between actions
            with pytest.raises(ClientResponseError):  # an error status fails as in Rasa
                await EndpointConfig(f"{url}/broken").request(json={}, method="post")
            with pytest.raises(asyncio.TimeoutError):  # the per-request timeout is honoured
                await endpoint.request(json={"slow": True}, method="post", timeout=0.3)
            reply = await endpoint.request(json={"n": 9}, method="post", timeout=5)  # and it still serves
            assert reply["echo"] == 9
        finally:
            await action_session.close_sessions()
            await runner.cleanup()
        assert not action_session._sessions  # closed when the server stops

    asyncio.run(scenario())
