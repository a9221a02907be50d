"""Rasa warms up at start-up without storing anything, and reports healthy only afterwards."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from bot.channels.warm_up import WarmState, warm_up

MODEL = Path(__file__).resolve().parents[2] / "var" / "rasa" / "models" / "current.tar.gz"


@pytest.mark.slow
def test_warm_up_understands_and_predicts_but_stores_no_conversation(caplog) -> None:
    from rasa.core.agent import Agent

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make train'")
    agent = Agent.load(str(MODEL))
    WarmState.warm = False
    gc.unfreeze()

    async def warm_and_list() -> list:
        seconds = await warm_up(agent)
        assert seconds > 0
        return list(await agent.tracker_store.keys())

    assert asyncio.run(warm_and_list()) == []
    assert WarmState.warm
    assert "not warmed up" not in caplog.text  # it ran through, not into its safety net
    # the loaded model is out of the collector's scans (a full scan of it held every conversation up)
    assert gc.get_freeze_count() > 100_000
    gc.unfreeze()
