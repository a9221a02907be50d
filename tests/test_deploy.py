"""The deployment files: systemd units verified by systemd-analyze, nginx's configuration by nginx -t,
and every variable the configuration reads present in the example environment file."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _example_env() -> set:
    text = (DEPLOY / "assistant.env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_every_variable_the_configuration_reads_is_in_the_example_environment() -> None:
    used = set()
    for name in ("bot/endpoints.yml", "bot/credentials.yml"):
        used |= set(re.findall(r"\$\{([A-Z0-9_]+)\}", (ROOT / name).read_text()))
    unit_text = "".join(p.read_text() for p in (DEPLOY / "systemd").glob("*.service"))
    used |= set(re.findall(r"\$([A-Z][A-Z0-9_]+)", unit_text))
    assert used - {"ROOT"} <= _example_env(), sorted(used - _example_env())
    assert "--enable-api" not in unit_text  # the HTTP API stays off in the deployment


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path: Path) -> None:
    units = tmp_path / "units"
    units.mkdir()
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("@ROOT@", str(ROOT))
        text = text.replace("User=ip-assistant", "User=root").replace("Group=ip-assistant", "Group=root")
        text = text.replace("EnvironmentFile=/etc/ip-assistant/", f"EnvironmentFile={tmp_path}/")
        (units / unit.name).write_text(text)
    shutil.copy(DEPLOY / "assistant.env.example", tmp_path / "assistant.env")
    names = [p.name.replace("@.service", "@5056.service") for p in units.iterdir()]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names],
        cwd=units,
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "ip-assistant" in line and "Failed to" not in line.split(":", 1)[0]
    ]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


# Read by Rasa or the libraries themselves, not by our settings: Rasa's SQL tracker pool and lock lifetime, and
# the switches that keep Rasa and the model libraries offline and silent.
READ_BY_RASA_OR_LIBRARIES = {
    "SQL_POOL_SIZE",
    "SQL_MAX_OVERFLOW",
    "TICKET_LOCK_LIFETIME",
    "RASA_TELEMETRY_ENABLED",
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
}


def test_every_variable_of_the_example_environment_is_read_by_someone() -> None:
    """No stale line in the example a deployment copies: each variable is one our settings modules read,
    one our Rasa configuration names, or one Rasa or a library reads itself."""
    from tests.test_settings_only import SETTINGS_MODULES, settings_variables

    example = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (DEPLOY / "assistant.env.example").read_text(), re.M)
    )
    configured = set()
    for name in ("bot/endpoints.yml", "bot/credentials.yml"):
        configured |= set(re.findall(r"\$\{([A-Z0-9_]+)\}", (ROOT / name).read_text()))
    known = settings_variables(SETTINGS_MODULES) | configured | READ_BY_RASA_OR_LIBRARIES
    assert len(example) > 20
    assert sorted(example - known) == []
