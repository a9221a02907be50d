"""Settings are read in one place per side: no module reads an environment variable but the settings
modules (the knowledge engine's, the ticket domain's, the actions' that extends both, and the Rasa side's
``bot/settings.py``)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("actions", "knowledge", "tickets", "staff", "bench", "evaluation", "bilingual", "bot")
SETTINGS_MODULES = {"knowledge/settings.py", "tickets/settings.py", "actions/settings.py", "bot/settings.py"}
READS = re.compile(r"os\.environ\.get\(|os\.environ\[|os\.getenv\(|environ\.get\(")


def test_only_the_settings_modules_read_environment_variables() -> None:
    readers = sorted(
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if READS.search(path.read_text(encoding="utf-8"))
    )
    assert set(readers) <= SETTINGS_MODULES, readers
    # What the search looks for: the forms a module would use to read a variable.
    for line in ('os.environ.get("X")', 'os.environ["X"]', 'os.getenv("X")', 'environ.get("X", "")'):
        assert READS.search(line), line


def test_the_settings_read_the_variables_of_the_moved_readers(monkeypatch) -> None:
    from actions.settings import Settings

    settings = Settings.from_env(
        {
            "ASSISTANT_LOG_LEVEL": "debug",
            "SANIC_HOST": "127.0.0.1",
            "TICKETS_DATABASE_URL": "postgresql://u@h/db",
            "STAFF_HOST": "0.0.0.0",
            "STAFF_PORT": "9000",
        }
    )
    assert (settings.log_level, settings.actions_host, settings.tickets_database_url) == (
        "DEBUG",
        "127.0.0.1",
        "postgresql://u@h/db",
    )
    assert (settings.staff_host, settings.staff_port) == ("0.0.0.0", 9000)
    defaults = Settings.from_env({})
    assert defaults.tickets_database_url == f"sqlite:///{defaults.var_dir / 'tickets' / 'tickets.db'}"
    assert (defaults.log_level, defaults.actions_host, defaults.staff_port) == ("INFO", "0.0.0.0", 8090)


def test_a_ticket_save_retry_as_long_as_rasas_wait_is_refused_at_start_up() -> None:
    import pytest

    from actions.settings import Settings

    assert Settings.from_env({"ACTION_TIMEOUT_SECONDS": "15"}).ticket_save_retry_seconds == 10
    with pytest.raises(ValueError, match="TICKET_SAVE_RETRY_SECONDS must be at least 0 and below"):
        Settings.from_env({"ACTION_TIMEOUT_SECONDS": "10"})
    with pytest.raises(ValueError, match="ACTION_TIMEOUT_SECONDS must be a number"):
        Settings.from_env({"ACTION_TIMEOUT_SECONDS": "soon"})


def test_the_rasa_sides_settings_read_their_variables_with_one_message_for_a_bad_value() -> None:
    import pytest

    from bot.settings import BotSettings, SettingError

    settings = BotSettings.from_env(
        {"RASA_PORT": "5006", "WEB_PORT": "0", "RATE_LIMIT_MESSAGES": "5", "ACTION_TIMEOUT_SECONDS": "15"}
    )
    assert (settings.rasa_port, settings.web_port, settings.rate_limit_messages) == (5006, 0, 5)
    assert settings.action_timeout_seconds == 15.0
    assert (
        BotSettings.from_env({"RASA_TRACKER_URL": "postgresql://u@h/rasa"}).tracker_url
        == "postgresql://u@h/rasa"
    )
    assert BotSettings.from_env({"RASA_TRACKER_DB": "/tmp/t.db"}).tracker_url == "sqlite:////tmp/t.db"
    with pytest.raises(SettingError, match="RASA_PORT must be a whole number, not 'http'"):
        BotSettings.from_env({"RASA_PORT": "http"})
    with pytest.raises(SettingError, match="RATE_LIMIT_MESSAGES must be at least 1, not '0'"):
        BotSettings.from_env({"RATE_LIMIT_MESSAGES": "0"})


SETTING_READS = re.compile(
    r'(?:env\.get|env_int|env_number|env_path|env_choice|env_flag|_number)\((?:env, )?"([A-Z][A-Z0-9_]+)"'
)


def settings_variables(modules: set) -> set:
    """Every environment variable the settings ``modules`` read."""
    return {
        name
        for module in modules
        for name in SETTING_READS.findall((ROOT / module).read_text(encoding="utf-8"))
    }


def test_every_variable_the_settings_read_is_documented_in_the_readme() -> None:
    names = settings_variables(SETTINGS_MODULES)
    assert len(names) > 25
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    configuration = readme[readme.index("## Configuration") : readme.index("## Troubleshooting")]
    assert sorted(name for name in names if f"`{name}`" not in configuration) == []
