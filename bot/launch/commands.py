"""How the servers are started: their commands, and the environment every one of them gets.

Shared by the pilot (:mod:`bot.launch.pilot`) and the production shape (:mod:`bot.launch.production`),
which differ in environment variables only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from bot.launch.supervisor import ROOT, StartError

RASA_VENV = ROOT / ".venv-rasa"
ACTIONS_VENV = ROOT / ".venv-actions"
DEFAULT_MODEL = ROOT / "var" / "rasa" / "models" / "current.tar.gz"
DEFAULT_WEB_DIR = ROOT / "var" / "web"


def check_built(model: Path, web_dir: Optional[Path]) -> None:
    """Fail early, in one line, on what is not built yet (``make run`` and ``make run-prod`` build it)."""
    for venv in (RASA_VENV, ACTIONS_VENV):
        if not (venv / "bin" / "python").exists():
            raise StartError(f"{venv.name} is missing: run 'make venvs' (or 'make run') first")
    if not model.exists():
        raise StartError(f"no trained model at {model}: run 'make train' (or 'make run') first")
    if web_dir is not None and not (web_dir / "widget.js").exists():
        raise StartError(f"the chat page is not built in {web_dir}: run 'make web' (or 'make run') first")


def offline_environment() -> Dict[str, str]:
    """Variables that keep every process offline and quiet, whatever the caller's shell has."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(ROOT),
    }


def page_origins(web_port: int) -> str:
    """The origins a browser shows for the locally served chat page."""
    return f"http://localhost:{web_port} http://127.0.0.1:{web_port}"


def actions_command(port: int) -> List[str]:
    return [
        str(ACTIONS_VENV / "bin" / "python"),
        "-m",
        "actions.server",  # rasa-sdk's server, warmed up before it reports healthy
        "--actions",
        "actions",
        "--port",
        str(port),
    ]


def rasa_command(
    model: Path, port: int, origins: str, env: Dict[str, str], interface: Optional[str] = None
) -> List[str]:
    command = [
        str(RASA_VENV / "bin" / "rasa"),
        "run",
        "--model",
        str(model),
        "--endpoints",
        "bot/endpoints.yml",
        "--credentials",
        "bot/credentials.yml",
        "--port",
        str(port),
    ]
    if interface:
        command += ["--interface", interface]
    if origins.strip():
        command += ["--cors", *origins.replace(",", " ").split()]
    return command + api_arguments(env)


def api_arguments(env: Dict[str, str]) -> List[str]:
    """Rasa's HTTP API (trackers, model, ...) is off unless RASA_ENABLE_API=true, and then needs a token."""
    if env.get("RASA_ENABLE_API", "").lower() not in ("1", "true", "yes"):
        return []
    token = env.get("RASA_AUTH_TOKEN", "")
    if len(token) < 16:
        raise StartError("RASA_ENABLE_API needs RASA_AUTH_TOKEN (at least 16 characters) to protect the API")
    return ["--enable-api", "--auth-token", token]
