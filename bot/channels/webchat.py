"""The website chat page's socket.io channel: Rasa's own, with the changes the page needs.

Rasa 3.6's ``SocketIOInput`` accepts a connection from any origin (``cors_allowed_origins=[]``);
its ``send_response`` sends a message's text (with its buttons) and its custom payload as separate
events, splits every text at blank lines into separate bubbles, and passes a custom JSON payload to
``sio.emit`` as keyword arguments, which fails for payloads such as our ``citations``. This channel
keeps Rasa's connection and session handling and changes only that:

* connections are accepted only from the configured origins (``allowed_origins``), over
  WebSocket only, so the browser's same-origin rules and ours cannot disagree;
* one bot message is one ``bot_uttered`` event, ``{"text", "quick_replies"?, "custom"?}``: an
  answer and its citations (or a ticket confirmation and its number) arrive, and are stored by the
  page, together; a message with only a custom payload is ``{"custom": {...}}``. Images,
  attachments and elements, which the page does not draw, are still sent as Rasa sends them;
* a malformed event is ignored with a log line instead of an exception in the server; an empty,
  too long or too frequent message gets a polite reply (:mod:`bot.channels.guard`), and so does a
  failure while the message is processed;
* the session handshake awaits ``enter_room``, a coroutine in the python-socketio version Rasa 3.6
  installs with (Rasa calls it without ``await``, so replies never reached the page).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels import action_failure, action_schema, action_session
from bot.channels.guard import TEXTS, clean_text, guard, reply_language

logger = logging.getLogger(__name__)
action_failure.install()
action_schema.install()
action_session.install()
MAX_SESSION_ID = 128

Origins = Union[str, List[str]]


def parse_origins(value: Any) -> Origins:
    """``"*"`` or a comma/space separated list of origins such as ``http://localhost:8080``."""
    if isinstance(value, list):
        items = [str(item).strip().rstrip("/") for item in value]
    else:
        text = str(value or "").strip()
        if text == "*":
            return "*"
        items = [item.strip().rstrip("/") for item in text.replace(",", " ").split()]
    return [item for item in items if item]


def bot_event(
    text: Optional[Text] = None,
    buttons: Optional[List[Dict[Text, Any]]] = None,
    custom: Optional[Dict[Text, Any]] = None,
) -> Dict[Text, Any]:
    """The ``bot_uttered`` event of one bot message: ``{"text", "quick_replies"?, "custom"?}``.

    Text and buttons stay whole (no split at blank lines); an empty dict when there is nothing to send.
    """
    event: Dict[Text, Any] = {}
    if text or buttons:
        event["text"] = text or ""
    if buttons:
        event["quick_replies"] = [
            {"content_type": "text", "title": button.get("title", ""), "payload": button.get("payload", "")}
            for button in buttons
        ]
    if custom:
        event["custom"] = custom
    return event


class WebChatOutput(SocketIOOutput):
    """Sends each bot message as one ``bot_uttered`` event."""

    @classmethod
    def name(cls) -> Text:
        return WebChatInput.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """One event for the message's text, buttons and custom payload; Rasa's own for the rest."""
        message = dict(message)
        event = bot_event(
            message.pop("text", None),
            message.pop("quick_replies", None) or message.pop("buttons", None),
            message.pop("custom", None),
        )
        message.pop("buttons", None)
        if event:
            await self._send_message(recipient_id, event)
        # As in Rasa's OutputChannel.send_response (SocketIOOutput's events: {"attachment": ...}).
        if message.get("image"):
            await self.send_image_url(recipient_id, message.pop("image"), **message)
        if message.get("attachment"):
            await self.send_attachment(recipient_id, message.pop("attachment"), **message)
        if message.get("elements"):
            await self.send_elements(recipient_id, message.pop("elements"), **message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_message(recipient_id, bot_event(text=text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, bot_event(text=text, buttons=buttons))

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, bot_event(custom=json_message))


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel restricted to the page's origins, with one event per message."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.allowed_origins = parse_origins(credentials.get("allowed_origins", ""))
        return channel

    allowed_origins: Origins = []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        # An empty list would mean "no check at all" to engine.io; no configured origin means none accepted.
        sio.eio.cors_allowed_origins = self.allowed_origins or ["null-origin-not-configured"]
        sio.eio.transports = ["websocket"]
        logger.info("web chat accepts connections from: %s", self.allowed_origins or "no origin")

        sessions: Dict[str, str] = {}  # socket id -> the session it confirmed (messages use this one)

        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            valid = isinstance(requested, str) and 0 < len(requested) <= MAX_SESSION_ID
            session_id = requested if valid else uuid.uuid4().hex
            previous = sessions.get(sid)
            if previous and previous != session_id:  # "clear conversation": replies to the old one stop
                await sio.leave_room(sid, previous, namespace=self.namespace)
            sessions[sid] = session_id
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def disconnect(sid: Text, *reason: Any) -> None:
            sessions.pop(sid, None)

        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                logger.warning("web chat: ignored a message that is not an object")
                return
            # The session this socket confirmed, not whatever id the message claims.
            sender_id = sessions.get(sid) if self.session_persistence else sid
            if not sender_id:
                logger.warning("web chat: ignored a message before its session was confirmed")
                return
            text = data.get("message", "")
            if not isinstance(text, str):
                logger.warning("web chat: ignored a message whose text is not a string")
                return
            text = clean_text(text)
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            output = WebChatOutput(sio, self.bot_message_evt)
            refused = guard().check(f"socket:{sid}", text, metadata)
            if refused:
                logger.info("web chat: message turned away (%s, %d characters)", refused[0], len(text))
                await output.send_text_message(sender_id, refused[1])
                return
            try:
                await on_new_message(
                    UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)
                )
            except Exception:
                logger.exception("web chat: the message could not be processed")
                await output.send_text_message(
                    sender_id, TEXTS["unavailable"][reply_language(text, metadata)]
                )

        # Replace the handlers Rasa registered for the same events.
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return webhook

    def get_output_channel(self) -> Optional[WebChatOutput]:
        if self.sio is None:
            return None
        return WebChatOutput(self.sio, self.bot_message_evt)
