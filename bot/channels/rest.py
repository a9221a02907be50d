"""Rasa's REST channel with the checks a public endpoint needs.

Same URL and reply format as Rasa's ``rest`` channel (``POST /webhooks/rest/webhook``, a JSON list of
messages). What it adds:

* a request that is not a JSON object with string ``sender`` and ``message`` gets HTTP 400 and a
  bilingual explanation, instead of an exception inside Rasa;
* control characters are dropped; an empty, too long or too frequent message gets a polite reply
  without reaching the assistant (:mod:`bot.channels.guard`; HTTP 429 for the rate limit);
* one bot message is one dict in the reply list: ``{"recipient_id", "text", "buttons"?, "custom"?}``
  (and ``image``/``attachment`` when it has them), so an answer and its citations come together, where
  Rasa's collector would give the custom payload a dict of its own and split a text at blank lines;
* a failure while the message is processed (a database restarting, a timeout) answers "please try
  again" with HTTP 503 instead of an empty list; so does a message not answered within
  :data:`MESSAGE_TIMEOUT_SECONDS` (one that waits on the lock of a conversation whose Rasa instance died),
  before the reverse proxy in front gives up with a bare 504;
* custom actions that fail send an apology (:mod:`bot.channels.action_failure`, installed here), the
  action server's replies are checked by one validator built once (:mod:`bot.channels.action_schema`),
  and its connections are kept open between actions (:mod:`bot.channels.action_session`);
* ``GET /webhooks/rest/`` is healthy only once Rasa is warm (:mod:`bot.channels.warm_up`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import action_failure, action_schema, action_session
from bot.channels.guard import TEXTS, clean_text, guard, reply_language
from bot.channels.warm_up import WarmState, warm_up

logger = logging.getLogger(__name__)
MAX_SENDER_CHARS = 128
# A message is answered within this time, or told to try again: below nginx's 90 s proxy_read_timeout for
# /webhooks/ (deploy/nginx.conf.template; tests/bot/test_channels.py checks it), well above a normal
# message (an action may take 15 s). A message cancelled while it waits for its conversation's lock changes
# nothing.
MESSAGE_TIMEOUT_SECONDS = 60.0

action_failure.install()
action_schema.install()
action_session.install()


def _messages(sender: str, text: str) -> List[Dict[str, str]]:
    return [{"recipient_id": sender, "text": text}]


class OneDictPerMessage(CollectingOutputChannel):
    """Rasa's collecting channel, with one dict per bot message instead of one per part."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        part = self._message(
            recipient_id,
            text=message.get("text") or None,
            image=message.get("image") or None,
            buttons=message.get("quick_replies") or message.get("buttons") or None,
            attachment=message.get("attachment") or None,
            custom=message.get("custom") or None,
        )
        if len(part) > 1:  # more than the recipient
            await self._persist_message(part)
        if message.get("elements"):  # as Rasa's OutputChannel sends them: a text with buttons each
            await self.send_elements(recipient_id, message["elements"])

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


def parse_body(request: Request) -> Optional[Dict[str, Any]]:
    """The request's JSON object when it has the right shape, else ``None``."""
    try:
        body = request.json
    except Exception:  # Sanic raises on invalid JSON
        return None
    if not isinstance(body, dict):
        return None
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return None
    if not isinstance(text, str) or not (metadata is None or isinstance(metadata, dict)):
        return None
    return {"sender": clean_text(sender), "message": clean_text(text), "metadata": metadata or {}}


async def process(
    on_new_message: Callable[[UserMessage], Awaitable[None]],
    sender: str,
    text: str,
    metadata: Dict[Text, Any],
    channel: str = "rest",
) -> Tuple[List[Dict[Text, Any]], int]:
    """The bot's messages for one user message and the HTTP status: 200, or 503 with "please try again"
    when it fails or is not answered within :data:`MESSAGE_TIMEOUT_SECONDS`."""
    collector = OneDictPerMessage()
    message = UserMessage(text, collector, sender, input_channel=channel, metadata=metadata)
    try:
        await asyncio.wait_for(on_new_message(message), timeout=MESSAGE_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        logger.warning(
            "rest: no answer within %.0f s (waiting on the conversation's lock?)", MESSAGE_TIMEOUT_SECONDS
        )
    except Exception:  # a cancelled request (client gone, shutdown) is not answered
        logger.exception("rest: the message could not be processed")
    else:
        return collector.messages, 200
    reply = TEXTS["unavailable"][reply_language(text, metadata)]
    return collector.messages + _messages(sender, reply), 503


class GuardedRestInput(RestInput):
    """``POST /webhooks/rest/webhook`` with validation, limits and a reply on every path."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.listener("after_server_start")
        async def warm(app: Any, _loop: Any) -> None:
            await warm_up(app.ctx.agent)

        @webhook.listener("before_server_stop")
        async def close(_app: Any, _loop: Any) -> None:
            await action_session.close_sessions()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not WarmState.warm:  # the launchers wait for this route: healthy means warm
                return response.json({"status": "warming up"}, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = parse_body(request)
            if body is None:
                error = f"{TEXTS['bad_request']['en']} / {TEXTS['bad_request']['zh']}"
                return response.json({"error": error}, status=400)
            sender, text, metadata = body["sender"], body["message"], body["metadata"]
            refused = guard().check(sender, text, metadata)
            if refused:
                reason, reply = refused
                logger.info("rest: message turned away (%s, %d characters)", reason, len(text))
                return response.json(_messages(sender, reply), status=429 if reason == "too_fast" else 200)
            messages, status = await process(on_new_message, sender, text, metadata, self.name())
            return response.json(messages, status=status)

        return webhook
