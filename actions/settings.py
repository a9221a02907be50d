"""The settings of the action server and the staff tools, read from environment variables.

Rasa's own settings live in ``config.yml`` and ``bot/endpoints.yml``; the knowledge engine's in
``knowledge/settings.py`` and the ticket domain's in ``tickets/settings.py``, which these extend, so a
deployment changes environment variables, not code.
Tests build a :class:`Settings` of their own.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from knowledge.settings import (
    DEFAULT_VAR_DIR,
    PROJECT_ROOT,
    KnowledgeSettings,
    env_choice,
    env_flag,
    env_int,
)
from tickets.settings import TicketSettings

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")

__all__ = ["DEFAULT_VAR_DIR", "PROJECT_ROOT", "Settings", "get_settings"]


@dataclass(frozen=True)
class Settings(KnowledgeSettings, TicketSettings):
    """Deployment settings; every field has an environment variable (see README, Configuration). The
    knowledge engine's and the ticket domain's own come first, read by the same parsers."""

    default_language: str = "zh"
    log_level: str = "INFO"  # of our loggers in the action server
    actions_host: str = "0.0.0.0"  # where the action server listens (SANIC_HOST)
    # The answer log (replies, ratings, the review queue): by default in the ticket database
    feedback_database_url: str = ""
    # Staff console
    staff_host: str = "127.0.0.1"
    staff_port: int = 8090
    staff_database_url: str = ""  # default: an SQLite file under var_dir
    staff_secret_key: str = ""  # signs session cookies; default: a random key kept in var_dir
    staff_secure_cookies: bool = False  # True behind HTTPS: cookies are then never sent in clear

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if env is None else env
        knowledge, tickets = KnowledgeSettings.from_env(env), TicketSettings.from_env(env)
        default_language = env.get("ASSISTANT_DEFAULT_LANGUAGE", "zh")
        if default_language not in ("zh", "en"):
            default_language = "zh"
        return cls(
            **{f.name: getattr(knowledge, f.name) for f in dataclasses.fields(KnowledgeSettings)},
            **{f.name: getattr(tickets, f.name) for f in dataclasses.fields(TicketSettings)},
            default_language=default_language,
            log_level=env_choice(env, "ASSISTANT_LOG_LEVEL", LOG_LEVELS, "info").upper(),
            actions_host=env.get("SANIC_HOST") or "0.0.0.0",
            feedback_database_url=env.get("FEEDBACK_DATABASE_URL") or tickets.tickets_database_url,
            staff_host=env.get("STAFF_HOST") or "127.0.0.1",
            staff_port=env_int(env, "STAFF_PORT", 8090),
            staff_database_url=env.get("STAFF_DATABASE_URL")
            or f"sqlite:///{knowledge.var_dir / 'staff' / 'staff.db'}",
            staff_secret_key=env.get("STAFF_SECRET_KEY", ""),
            staff_secure_cookies=env_flag(env, "STAFF_SECURE_COOKIES"),
        )


def get_settings() -> Settings:
    """The settings of this process, read from the environment on each call (cheap)."""
    return Settings.from_env()
