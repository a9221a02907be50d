"""The Rasa project as a whole: data validation and the conversation tests in tests/stories/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
MODEL = ROOT / "var" / "rasa" / "models" / "current.tar.gz"
ENV = {
    **os.environ,
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONPATH": str(ROOT),
}


def _rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)


def _used_outside_stories() -> set:
    """Responses that forms and custom actions use, which `rasa data validate` cannot see."""
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    asked = {f"utter_ask_{slot}" for form in domain["forms"].values() for slot in form["required_slots"]}
    code = " ".join(
        p.read_text(encoding="utf-8") for d in ("actions", "bot/channels") for p in (ROOT / d).rglob("*.py")
    )
    referenced = set(re.findall(r"utter_[a-z_]+", code)) | {"utter_restart"}  # said by Rasa's action_restart
    invalid = {f"utter_invalid_{slot}" for slot in re.findall(r'_failed\("([a-z_]+)"', code)}
    return asked | referenced | invalid


# Intents only ever sent as payloads by the chat page or REST clients (``/feedback{...}``), never typed: the
# NLU learns nothing about them, so they cannot take a user's question (typed examples of "这个回答不对"
# moved the NLU's confidence on other questions and cost a held-out out-of-scope refusal).
PAYLOAD_ONLY = ("feedback",)


@pytest.mark.slow
def test_data_validates() -> None:
    result = _rasa(
        "data", "validate", "--config", "config.yml", "--domain", "domain.yml", "--data", "bot/data"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    unused = set(re.findall(r"The utterance '(utter_[a-z_]+)' is not used in any story or rule", output))
    assert unused <= _used_outside_stories(), (
        f"responses nothing uses: {sorted(unused - _used_outside_stories())}"
    )
    other_warnings = [
        line
        for line in output.splitlines()
        if "UserWarning" in line
        and "is not used in any story or rule" not in line
        and not any(f"The intent '{intent}' is listed in the domain file" in line for intent in PAYLOAD_ONLY)
    ]
    assert not other_warnings, other_warnings


@pytest.mark.slow
def test_conversation_stories_pass(tmp_path) -> None:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make train'")
    result = _rasa(
        "test",
        "core",
        "--model",
        str(MODEL),
        "--stories",
        "tests/stories",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]


def _labelled_messages() -> list:
    """(file, text, intent) of every user message in tests/stories/ that carries an intent label."""
    import yaml

    messages = []
    for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8")).get("stories", []):
            for step in story.get("steps", []):
                if step.get("user") and step.get("intent"):
                    messages.append((path.name, step["user"].strip(), step["intent"]))
    return messages


@pytest.mark.slow
def test_conversation_messages_get_their_intent() -> None:
    """`rasa test core` plays the stories with their labelled intents and checks only the actions (with
    `--e2e` it would also compare entities, and the language entity is on every message): here the
    trained model reads each labelled message, so a misrouted question fails too."""
    import asyncio

    from rasa.core.agent import Agent

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make train'")
    agent = Agent.load(str(MODEL))

    async def misrouted() -> list:
        wrong = []
        for name, text, intent in _labelled_messages():
            predicted = (await agent.parse_message(text))["intent"]
            if predicted["name"] != intent:
                wrong.append(
                    f"{name}: {text!r} is {predicted['name']} ({predicted['confidence']:.2f}), not {intent}"
                )
        return wrong

    wrong = asyncio.run(misrouted())
    assert not wrong, "\n".join(wrong)
