"""The cache of the NLU's verdicts on evaluation questions: reused only while the model and our NLU code stay."""

from __future__ import annotations

from pathlib import Path

from knowledge import eval_nlu


def test_a_cached_verdict_is_not_reused_after_the_model_or_the_nlu_code_changes(
    tmp_path: Path, monkeypatch
) -> None:
    components = tmp_path / "bot" / "components"
    components.mkdir(parents=True)
    guard = components / "intent_guard.py"
    guard.write_text("RULE = 1\n", encoding="utf-8")
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"weights")
    monkeypatch.setattr(eval_nlu, "ROOT", tmp_path)
    first = eval_nlu._model_key(model)
    assert eval_nlu._model_key(model) == first
    guard.write_text("RULE = 2\n", encoding="utf-8")  # the guard changes verdicts without any training
    second = eval_nlu._model_key(model)
    model.write_bytes(b"other weights")
    assert len({first, second, eval_nlu._model_key(model)}) == 3
