"""The scope classifier: its examples come from the NLU's files, it separates the plan's subjects from
neighbouring ones on the real model's vectors, and a model fitted on other vectors is not used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import scope
from knowledge.embedding import Embedder

NLU_FILE = """\
version: "3.1"
nlu:
  - intent: ask_policy
    examples: |
      - 商标侵权怎么举报
      - 在[美国](country)被起诉专利侵权怎么办
  - intent: out_of_scope
    examples: |
      - 外资企业所得税怎么交
  - intent: greet
    examples: |
      - 你好
"""

IN_SCOPE = [
    "商标侵权怎么举报",
    "假冒专利去哪里投诉",
    "专利纠纷可以申请行政调解吗",
    "员工带走技术资料算侵犯商业秘密吗",
    "how do I report counterfeit goods",
    "can the district mediate a patent dispute",
    "what does the trade secret protection point do",
    "who supervises IP on e-commerce platforms",
]
OUT_OF_SCOPE = [
    "外资企业所得税怎么交",
    "请律师打官司要多少钱",
    "签证到期了怎么续签",
    "饭店的菜不新鲜去哪投诉",
    "how do we file VAT returns",
    "can you recommend a lawyer in shanghai",
    "how do I renew a work permit",
    "what is the weather tomorrow",
]


def test_examples_are_read_from_nlu_files_without_entity_annotations(tmp_path: Path) -> None:
    (tmp_path / "policy.yml").write_text(NLU_FILE, encoding="utf-8")
    in_scope, out_of_scope = scope.nlu_examples(tmp_path.glob("*.yml"))
    assert in_scope == ["商标侵权怎么举报", "在美国被起诉专利侵权怎么办"]
    assert out_of_scope == ["外资企业所得税怎么交"]


@pytest.mark.slow
def test_a_fitted_model_tells_covered_from_neighbouring_questions(embedder: Embedder, tmp_path: Path) -> None:
    # Fitted on one half of each list, judged on the other half.
    train_in, test_in = IN_SCOPE[::2], IN_SCOPE[1::2]
    train_out, test_out = OUT_OF_SCOPE[::2], OUT_OF_SCOPE[1::2]
    vectors = embedder.encode_queries([*train_in, *train_out])
    probes = embedder.encode_queries(scope.PROBES)
    model = scope.fit(vectors, [1] * len(train_in) + [0] * len(train_out), probes)
    p_in = [model.probability(v) for v in embedder.encode_queries(test_in)]
    p_out = [model.probability(v) for v in embedder.encode_queries(test_out)]
    assert min(p_in) > max(p_out), (p_in, p_out)
    # Saved and loaded for the same embedding model, it gives the same probabilities.
    model.save(tmp_path / "scope.json")
    loaded = scope.load(tmp_path / "scope.json", probes)
    assert loaded is not None
    assert np.allclose([loaded.probability(v) for v in embedder.encode_queries(test_in)], p_in, atol=1e-5)


def test_a_model_of_another_embedding_model_or_a_broken_file_is_not_used(tmp_path: Path) -> None:
    model_a = np.eye(2, 4, dtype=np.float32)  # how "model a" encodes the two probe sentences
    model_b = np.eye(2, 4, k=2, dtype=np.float32)
    scope.ScopeModel(np.ones(4, dtype=np.float32), 0.0, model_a, {}).save(tmp_path / "scope.json")
    assert scope.load(tmp_path / "scope.json", model_a) is not None
    assert scope.load(tmp_path / "scope.json", model_a * 0.999 + model_b * 0.001) is not None  # same model
    assert scope.load(tmp_path / "scope.json", model_b) is None
    assert scope.load(tmp_path / "scope.json", np.eye(2, 8, dtype=np.float32)) is None
    assert scope.load(tmp_path / "missing.json", model_a) is None
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert scope.load(tmp_path / "broken.json", model_a) is None


@pytest.mark.slow
def test_the_shipped_classifier_fits_the_model_make_model_builds(embedder: Embedder) -> None:
    model = scope.load(scope.MODEL_FILE, embedder.encode_queries(scope.PROBES))
    assert model is not None, "knowledge/scope_model.json was fitted for another model: run 'make calibrate'"
    vectors = embedder.encode_queries(["假冒专利去哪举报", "外资企业所得税怎么交"])
    assert model.probability(vectors[0]) > 0.5 > model.probability(vectors[1])
