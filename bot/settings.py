"""The Rasa side's settings, read from environment variables in one place, with one parser and one message.

Rasa 3.6 pins pydantic 1, and the launchers (``bot.launch``) run on the system Python
before any virtual environment exists, so this is a small typed dataclass on the standard library only
(the actions' side has ``actions.settings``, with the same wording for a bad value). The chat channels,
the launchers and the retention job read their settings here; ``bot/endpoints.yml`` and
``bot/credentials.yml`` read the rest through Rasa's own ``${VAR}`` substitution.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    """A setting whose value cannot be read (the process should not start with it)."""


def bad_value(name: str, value: str, expected: str) -> SettingError:
    """The one error message for a setting that cannot be read (the same as the actions' side)."""
    return SettingError(f"{name} must be {expected}, not {value!r}")


def _number(env: Mapping[str, str], name: str, default: float, kind: type = int, minimum: float = 0) -> float:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise bad_value(name, value, expected) from None
    if number < minimum:
        raise bad_value(name, value, f"at least {minimum:g}")
    return number


@dataclass(frozen=True)
class BotSettings:
    """Ports of the pilot, the chat channels' limits, Rasa's wait for an action, the retention job."""

    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8080  # 0: the chat page is not served
    staff_port: int = 8090  # 0: the staff console is not started
    rasa_cors: Optional[str] = None
    web_rasa_url: Optional[str] = None
    max_message_chars: int = 2000
    rate_limit_messages: int = 30
    rate_limit_seconds: float = 60.0
    action_timeout_seconds: float = 30.0
    retention_days: float = 180.0
    tracker_url: str = f"sqlite:///{ROOT / 'var' / 'rasa' / 'tracker.db'}"

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> BotSettings:
        env = os.environ if env is None else env
        url = env.get("RASA_TRACKER_URL", "")
        if "://" not in url:
            url = f"sqlite:///{env.get('RASA_TRACKER_DB') or ROOT / 'var' / 'rasa' / 'tracker.db'}"
        return cls(
            rasa_port=int(_number(env, "RASA_PORT", 5005)),
            actions_port=int(_number(env, "ACTIONS_PORT", 5055)),
            web_port=int(_number(env, "WEB_PORT", 8080)),
            staff_port=int(_number(env, "STAFF_PORT", 8090)),
            rasa_cors=env.get("RASA_CORS") or None,
            web_rasa_url=env.get("WEB_RASA_URL") or None,
            max_message_chars=int(_number(env, "MAX_MESSAGE_CHARS", 2000, minimum=1)),
            rate_limit_messages=int(_number(env, "RATE_LIMIT_MESSAGES", 30, minimum=1)),
            rate_limit_seconds=float(_number(env, "RATE_LIMIT_SECONDS", 60, minimum=1)),
            action_timeout_seconds=float(_number(env, "ACTION_TIMEOUT_SECONDS", 30, kind=float, minimum=1)),
            retention_days=float(_number(env, "RASA_RETENTION_DAYS", 180, kind=float)),
            tracker_url=url,
        )


def get_settings() -> BotSettings:
    """The settings of this process, read from the environment (cheap; read when a process starts)."""
    return BotSettings.from_env()


def inherited_environment() -> Dict[str, str]:
    """This process's environment, for the servers a launcher starts (they read their own settings)."""
    return dict(os.environ)
