"""The ticket domain's settings, read from environment variables with the knowledge engine's parsers (the
one way to read a setting, and one error message for a bad value).

The action server's and the staff tools' settings (``actions/settings.py``) include these; the ticket
command line reads them alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from knowledge.settings import DEFAULT_VAR_DIR, bad_value, env_number, env_path


def default_database_url(var_dir: Path) -> str:
    """An SQLite file under the var directory: the pilot's database."""
    return f"sqlite:///{var_dir / 'tickets' / 'tickets.db'}"


@dataclass(frozen=True)
class TicketSettings:
    """Where tickets are kept, and how long a save may ride out a lost database connection."""

    tickets_database_url: str = default_database_url(DEFAULT_VAR_DIR)
    # A ticket save rides out a lost database connection this long; it must end before Rasa stops waiting
    # for the action (ACTION_TIMEOUT_SECONDS, read by Rasa's side too), or a user told "nothing was saved"
    # could still get a ticket saved. Checked when the settings are read, so a bad pair stops the start.
    ticket_save_retry_seconds: float = 10.0
    action_timeout_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> TicketSettings:
        env = os.environ if env is None else env
        var_dir = env_path(env, "ASSISTANT_VAR_DIR", DEFAULT_VAR_DIR)
        retry = env_number(env, "TICKET_SAVE_RETRY_SECONDS", 10.0)
        timeout = env_number(env, "ACTION_TIMEOUT_SECONDS", 30.0)
        if timeout <= 0:
            raise bad_value("ACTION_TIMEOUT_SECONDS", f"{timeout:g}", "a positive number of seconds")
        if not 0 <= retry < timeout:
            raise bad_value(
                "TICKET_SAVE_RETRY_SECONDS",
                f"{retry:g}",
                f"at least 0 and below ACTION_TIMEOUT_SECONDS ({timeout:g})",
            )
        return cls(
            tickets_database_url=env.get("TICKETS_DATABASE_URL") or default_database_url(var_dir),
            ticket_save_retry_seconds=retry,
            action_timeout_seconds=timeout,
        )
