"""The NLU's view of the evaluation questions: how sure the trained Rasa model is that each is about policy.

The action server receives that confidence with every message (``intent_ranking``) and the answer-confidence
model uses it, so fitting and offline evaluation need it too. A message the NLU takes for out of scope is
declined unless it follows up the last answer or the scope classifier is sure it is about the plan
(:mod:`knowledge.answering`): the confidence model is fitted without such messages, and the offline
evaluation treats them as the assistant does. The Rasa model lives in the other
venv, so it is asked once per set of questions through ``bot.nlu_scores`` and the answers are cached next to
the model.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
RASA_MODEL = ROOT / "var" / "rasa" / "models" / "current.tar.gz"
OUT_OF_SCOPE = "out_of_scope"


def nlu_verdicts(texts: Sequence[str], model: Path = RASA_MODEL) -> Dict[str, Dict]:
    """``text -> {"intent": the intent chosen, "policy": confidence of ask_policy}`` for every text (the
    model's verdict on each message alone)."""
    if not model.is_file():
        raise FileNotFoundError(f"no trained Rasa model at {model}: run 'make train'")
    unique = sorted(set(texts))
    key = _model_key(model)
    digest = hashlib.sha256("\n".join(unique).encode()).hexdigest()[:16]
    cache = model.parent / f"nlu-verdicts-{key}-{digest}.json"
    if not cache.is_file():
        with tempfile.TemporaryDirectory() as work:
            source, target = Path(work) / "texts.json", Path(work) / "scores.json"
            source.write_text(json.dumps(unique, ensure_ascii=False), encoding="utf-8")
            env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
            subprocess.run(
                [str(RASA_PYTHON), "-m", "bot.nlu_scores", str(model), str(source), str(target)],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            verdicts = json.loads(target.read_text(encoding="utf-8"))
        cache.write_text(
            json.dumps(dict(zip(unique, verdicts, strict=True)), ensure_ascii=False), encoding="utf-8"
        )
    return json.loads(cache.read_text(encoding="utf-8"))


def _model_key(model: Path) -> str:
    """The trained model and the code of our NLU components (the intent guard changes verdicts without any
    training): a cached verdict is reused only while neither changed."""
    digest = hashlib.sha256(model.read_bytes())
    for source in sorted((ROOT / "bot" / "components").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def nlu_view(texts: Sequence[str], model: Path = RASA_MODEL) -> Tuple[Dict[str, float], Set[str]]:
    """What fitting and offline evaluation need of the NLU's verdicts on ``texts``: each one's confidence
    that it is a policy question, and the ones it declines."""
    verdicts = nlu_verdicts(texts, model)
    return policy_scores(verdicts), declined_by_nlu(verdicts)


def policy_scores(verdicts: Dict[str, Dict]) -> Dict[str, float]:
    """``text -> confidence of ask_policy``."""
    return {text: float(verdict["policy"]) for text, verdict in verdicts.items()}


def declined_by_nlu(verdicts: Dict[str, Dict]) -> Set[str]:
    """The texts the NLU takes for out of scope: the assistant declines them before any search."""
    return {text for text, verdict in verdicts.items() if verdict.get("intent") == OUT_OF_SCOPE}
