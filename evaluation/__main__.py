"""``python -m evaluation``: the figures of both parts, offline, then (``--live``) over REST."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from evaluation.live import run_live
from knowledge import eval_set
from knowledge.base import KnowledgeBase
from knowledge.eval_nlu import nlu_view
from knowledge.evaluate import keyed_questions, print_misses, print_summary, run, summarise
from knowledge.settings import get_settings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Answer quality on the evaluation set: the tuning and held-out parts apart."
    )
    parser.add_argument("--part", choices=[*eval_set.PARTS, "both"], default="both")
    parser.add_argument(
        "--misses", action="store_true", help="print every turn of the tuning part that went wrong"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--live", action="store_true", help="also ask every conversation over REST (starts both servers)"
    )
    parser.add_argument(
        "--no-nlu",
        action="store_true",
        help="offline without the trained NLU (its confidence and what it declines)",
    )
    args = parser.parse_args(argv)
    parts = list(eval_set.PARTS) if args.part == "both" else [args.part]
    base = KnowledgeBase.from_settings(get_settings())
    base.searcher()  # load before timing
    figures: Dict[str, Dict] = {}
    texts = [q.text for q in eval_set.questions(eval_set.load(parts))]
    nlu, declined = None, set()
    if not args.no_nlu:
        nlu, declined = nlu_view(texts)
    keyed = keyed_questions(base, texts)
    for part in parts:
        conversations = eval_set.load([part])
        outcomes = run(base, conversations, nlu=nlu, declined=declined)
        figures[part] = {"offline": summarise(outcomes, keyed)}
        print_summary(part, figures[part]["offline"], "offline")
        if args.misses:
            print_misses(outcomes)
    if args.live:
        from bot.launch.pilot import Servers
        from bot.launch.supervisor import free_port

        print("asking every conversation over the REST channel of freshly started servers...")
        with (
            tempfile.TemporaryDirectory() as work,
            Servers(
                rasa_port=free_port(),
                actions_port=free_port(),
                web_port=None,
                staff_port=None,
                log_dir=Path(work) / "logs",
                tracker_db=Path(work) / "tracker.db",
            ) as servers,
        ):
            for part in parts:
                outcomes = run_live(servers.rasa_url, eval_set.load([part]))
                figures[part]["live"] = summarise(outcomes, keyed)
                print_summary(part, figures[part]["live"], "live over REST")
                if args.misses:
                    print_misses(outcomes)
                passed = sum(o.right for o in outcomes)
                print(f"  live REST: {passed} passed, {len(outcomes) - passed} failed")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
