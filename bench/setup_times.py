"""Setup and training times as the Makefile's own steps recorded them (scripts/timed.sh, ensure-venv.sh).

Each step records its duration when it really ran; a step that was up to date keeps its last figure, with
the time it finished, so the report says how old each figure is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

STEPS = ("venv-rasa", "venv-actions", "train", "model", "index", "web")
TEST_TIERS = ("test-bot", "test-python", "test-reliability")  # `make test`'s two runs, and the long tier


def read(steps_dir: Path) -> Dict[str, Dict]:
    found: Dict[str, Dict] = {}
    for name in (*STEPS, *TEST_TIERS):
        path = steps_dir / f"{name}.json"
        try:
            found[name] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    if all(name in found for name in STEPS):
        # `make build`: the two venvs side by side, then training next to (model → index) and the web page.
        venvs = max(found["venv-rasa"]["seconds"], found["venv-actions"]["seconds"])
        builds = max(
            found["train"]["seconds"],
            found["model"]["seconds"] + found["index"]["seconds"],
            found["web"]["seconds"],
        )
        found["fresh_build_estimate"] = {
            "seconds": round(venvs + builds, 1),
            "finished": "sum of the steps above",
        }
    return found
