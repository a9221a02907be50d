"""Logging for our own code in the action server.

The Rasa SDK configures logging in its main process, but Sanic serves from worker processes that start
without that configuration, so our INFO records (retrieval scores, saved ticket numbers) would be lost.
Our loggers get their own handler, once per process. Messages never carry personal data (see the callers).
"""

from __future__ import annotations

import logging
import sys

_FORMAT = "%(asctime)s %(levelname)-8s %(name)s  - %(message)s"


def configure() -> None:
    from actions.settings import get_settings

    level = get_settings().log_level
    for name in ("actions", "knowledge"):
        logger = logging.getLogger(name)
        if any(getattr(h, "_assistant", False) for h in logger.handlers):
            continue
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._assistant = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False  # the SDK's root handler, where present, would print it twice
