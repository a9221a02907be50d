"""The ONNX engine serves the same vectors as sentence-transformers, and refuses what it cannot run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.embedding import Embedder
from knowledge.errors import ModelError
from knowledge.onnx_encoder import GRAPH, OnnxEncoder

TEXTS = [
    "商标侵权怎么举报？",
    "调解协议可以申请司法确认吗",
    "How do I report a counterfeit trademark?",
    "A former employee took our source code to a competitor; what can the trade secret protection point do?",
    "知识产权",
    "Müller GmbH asks: is a café’s logo “counterfeit” at 50% similarity？",
]


def test_auto_picks_the_exported_graph_and_a_bad_engine_is_refused(model_dir: str) -> None:
    assert (Path(model_dir) / GRAPH).is_file(), "make model exports the graph"
    assert Embedder(model_dir).engine == "onnx"
    assert Embedder(model_dir, engine="torch").engine == "torch"
    with pytest.raises(ValueError, match="engine"):
        Embedder(model_dir, engine="tensorrt")


@pytest.mark.slow
def test_onnx_and_torch_give_the_same_vectors_one_by_one_and_in_padded_batches(model_dir: str) -> None:
    onnx, torch = Embedder(model_dir, engine="onnx", batch_size=3), Embedder(model_dir, engine="torch")
    for encode in ("encode_queries", "encode_passages"):
        ours, theirs = getattr(onnx, encode)(TEXTS), getattr(torch, encode)(TEXTS)
        assert ours.shape == theirs.shape == (len(TEXTS), 384)
        assert float(np.min(np.sum(ours * theirs, axis=1))) >= 0.999
        alone = np.vstack([getattr(onnx, encode)([t]) for t in TEXTS])
        np.testing.assert_allclose(alone, ours, atol=1e-4)  # padding in a batch changes nothing
    queries, passages = onnx.encode_queries(TEXTS[:1]), onnx.encode_passages(TEXTS[:1])
    assert 0.8 < float(queries[0] @ passages[0]) < 0.9999  # the prompts are applied
    assert onnx.encode_queries([]).shape == (0, 384)


def test_a_directory_without_a_graph_or_with_a_broken_one_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make model"):
        OnnxEncoder(tmp_path)
    (tmp_path / GRAPH).parent.mkdir()
    (tmp_path / GRAPH).write_bytes(b"not a graph")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError):
        OnnxEncoder(tmp_path)


def test_the_graph_keeps_the_pieces_chinese_and_english_text_use(model_dir: str) -> None:
    import json

    from tokenizers import Tokenizer

    from knowledge.onnx_export import SPECIAL_IDS, kept_token_ids

    tokenizer_file = Path(model_dir) / "tokenizer.json"
    kept = set(kept_token_ids(tokenizer_file))
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    for text in [*TEXTS, "Müller GmbH, café — “quoted” 50% ／ 全角：ＡＢＣ１２３"]:
        assert set(tokenizer.encode(text).ids) <= kept, text
    assert set(SPECIAL_IDS) <= kept
    assert not set(tokenizer.encode("Защита интеллектуальной собственности").ids) <= kept
    card = json.loads((Path(model_dir) / "model_card.json").read_text())
    assert (
        card["verification"]["onnx_vocabulary_kept"]
        == len(kept)
        < card["verification"]["onnx_vocabulary_full"]
    )


def test_the_graphs_own_tokenizer_cuts_chinese_and_english_exactly_as_the_full_one(model_dir: str) -> None:
    """The trimmed vocabulary renumbers pieces (piece kept[i] is id i) and changes no segmentation."""
    from tokenizers import Tokenizer

    from knowledge.onnx_encoder import ONNX_TOKENIZER
    from knowledge.onnx_export import kept_token_ids

    full_file = Path(model_dir) / "tokenizer.json"
    kept = kept_token_ids(full_file)
    full, trimmed = (
        Tokenizer.from_file(str(full_file)),
        Tokenizer.from_file(str(Path(model_dir) / ONNX_TOKENIZER)),
    )
    assert trimmed.get_vocab_size() == len(kept) < full.get_vocab_size()
    for text in [
        *TEXTS,
        "query: 中以(上海)创新园 workstation 在哪？12315、第六十八条 ①",
        "passage: Müller GmbH ＡＢＣ",
    ]:
        assert [kept[i] for i in trimmed.encode(text).ids] == full.encode(text).ids, text
    unknown = {trimmed.id_to_token(i) for i in trimmed.encode("Привет").ids}  # another script
    assert "<unk>" in unknown and unknown <= {"<s>", "</s>", "<unk>", "\u2581"}  # as the full graph read it
