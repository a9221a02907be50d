"""The settings of the action server and the staff tools, read from environment variables.

Rasa's own settings live in ``config.yml`` and ``bot/endpoints.yml``; the knowledge engine's in
``knowledge/settings.py``, which these extend, so a deployment changes environment variables, not code.
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
    bad_value,
    env_choice,
    env_flag,
    env_int,
)

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")

__all__ = ["DEFAULT_VAR_DIR", "PROJECT_ROOT", "Settings", "get_settings"]


@dataclass(frozen=True)
class Settings(KnowledgeSettings):
    """Deployment settings; every field has an environment variable (see README, Configuration). The
    knowledge engine's own (``knowledge/settings.py``) come first, read by the same parsers."""

    default_language: str = "zh"
    log_level: str = "INFO"  # of our loggers in the action server
    actions_host: str = "0.0.0.0"  # where the action server listens (SANIC_HOST)
    tickets_database_url: str = ""  # default: an SQLite file under var_dir
    # A ticket save rides out a lost database connection this long; it must end before Rasa stops waiting
    # for the action (ACTION_TIMEOUT_SECONDS, read by Rasa's side too), or a user told "nothing was saved"
    # could still get a ticket saved.
    ticket_save_retry_seconds: int = 10
    action_timeout_seconds: int = 30
    # Staff console
    staff_host: str = "127.0.0.1"
    staff_port: int = 8090
    staff_database_url: str = ""  # default: an SQLite file under var_dir
    staff_secret_key: str = ""  # signs session cookies; default: a random key kept in var_dir
    staff_secure_cookies: bool = False  # True behind HTTPS: cookies are then never sent in clear

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if env is None else env
        knowledge = KnowledgeSettings.from_env(env)
        retry = env_int(env, "TICKET_SAVE_RETRY_SECONDS", 10)
        timeout = env_int(env, "ACTION_TIMEOUT_SECONDS", 30)
        if not 0 <= retry < timeout:
            raise bad_value(
                "TICKET_SAVE_RETRY_SECONDS",
                str(retry),
                f"at least 0 and below ACTION_TIMEOUT_SECONDS ({timeout})",
            )
        default_language = env.get("ASSISTANT_DEFAULT_LANGUAGE", "zh")
        if default_language not in ("zh", "en"):
            default_language = "zh"
        return cls(
            **{f.name: getattr(knowledge, f.name) for f in dataclasses.fields(KnowledgeSettings)},
            default_language=default_language,
            log_level=env_choice(env, "ASSISTANT_LOG_LEVEL", LOG_LEVELS, "info").upper(),
            actions_host=env.get("SANIC_HOST") or "0.0.0.0",
            tickets_database_url=env.get("TICKETS_DATABASE_URL")
            or f"sqlite:///{knowledge.var_dir / 'tickets' / 'tickets.db'}",
            ticket_save_retry_seconds=retry,
            action_timeout_seconds=timeout,
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
