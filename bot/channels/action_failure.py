"""A polite reply, in the user's language, when a custom action cannot run.

Rasa 3.6 has no setting for this: when the action server is down, times out or answers with an error,
the processor logs the exception and the user hears nothing (RasaHQ/rasa#7630). This module wraps
``RemoteAction.run`` so that such a failure first sends ``utter_action_failed`` (chosen by the
``language`` slot like every response), then fails as before, so Rasa's own bookkeeping is unchanged.
It also bounds the wait for the action server (``ACTION_TIMEOUT_SECONDS``, default 30 s instead of 300).

It is installed when our channels are imported (``bot/credentials.yml`` names them), which happens in
every Rasa server process before it serves.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import RemoteAction
from rasa.shared.exceptions import RasaException

from bot.settings import get_settings

logger = logging.getLogger(__name__)

FALLBACK_TEXT = {
    "zh": "抱歉，服务暂时出了点问题，请稍后再试一次。",
    "en": "Sorry, something went wrong on our side. Please try again in a moment.",
}
_installed = False


def action_timeout() -> float:
    return get_settings().action_timeout_seconds


async def _apologise(output_channel: Any, nlg: Any, tracker: Any) -> None:
    try:
        message = await nlg.generate("utter_action_failed", tracker, output_channel.name())
    except Exception:  # the apology must not fail in its turn
        message = None
    if not message:
        language = tracker.get_slot("language") if tracker else None
        message = {"text": FALLBACK_TEXT.get(language or "zh", FALLBACK_TEXT["zh"])}
    try:
        await output_channel.send_response(tracker.sender_id, message)
    except Exception:
        logger.exception("could not send the apology for a failed action")


def install() -> None:
    """Wrap RemoteAction.run once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    rasa_action.DEFAULT_REQUEST_TIMEOUT = int(action_timeout())
    original = RemoteAction.run

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise  # a form rejecting a value is normal dialogue, not a failure
        except (RasaException, asyncio.TimeoutError):
            logger.error("custom action %s failed; the user was asked to try again", self.name())
            await _apologise(output_channel, nlg, tracker)
            raise

    RemoteAction.run = run  # type: ignore[method-assign]
