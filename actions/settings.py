"""All settings of our own code, read once from environment variables.

Rasa's own settings live in ``config.yml`` and ``bot/endpoints.yml``; everything the action server,
the knowledge engine and the staff tools need comes from here, so a deployment changes environment
variables, not code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Deployment settings. Build with :meth:`from_env`; tests build their own."""

    var_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var")
    default_language: str = "zh"

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = _path("ASSISTANT_VAR_DIR", PROJECT_ROOT / "var")
        default_language = os.environ.get("ASSISTANT_DEFAULT_LANGUAGE", "zh")
        if default_language not in ("zh", "en"):
            default_language = "zh"
        return cls(var_dir=var_dir, default_language=default_language)


def get_settings() -> Settings:
    """The settings of this process (read from the environment on each call; cheap)."""
    return Settings.from_env()
