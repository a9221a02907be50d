"""The trained NLU's confidence that each message is a policy question, for fitting the answer confidence.

Runs in the Rasa venv: ``python -m bot.nlu_scores MODEL TEXTS.json SCORES.json`` reads a JSON list of
messages and writes, for each, the confidence of the ``ask_policy`` intent (0 when it is not ranked) and the
intent chosen. The evaluation (the other venv) calls it through :func:`knowledge.eval_nlu.nlu_verdicts`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Dict, List

POLICY_INTENT = "ask_policy"


async def score(model: str, texts: List[str]) -> List[Dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    scores = []
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = {item["name"]: float(item["confidence"]) for item in parsed.get("intent_ranking") or []}
        intent = (parsed.get("intent") or {}).get("name")
        scores.append({"intent": intent, "policy": ranking.get(POLICY_INTENT, 0.0)})
    return scores


def main() -> int:
    logging.disable(logging.WARNING)
    model, source, target = sys.argv[1:4]
    texts = json.loads(Path(source).read_text(encoding="utf-8"))
    scores = asyncio.run(score(model, [str(t) for t in texts]))
    Path(target).write_text(json.dumps(scores, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
