"""Export a sentence-transformers model directory to one ONNX graph, and check it gives the same vectors.

The graph holds the transformer, mean pooling over the attention mask and L2 normalisation, so ONNX
Runtime returns the sentence embedding itself (:mod:`knowledge.onnx_encoder`), and only the word embeddings
of the pieces Chinese and English text use (:data:`KEPT_RANGES`), with a tokenizer of those pieces only
(``onnx/tokenizer.json``: the full one's vocabulary took 290 MB of a process, the trimmed one 110 MB; Chinese
and English text gets the same pieces). The word embeddings are stored as int8 with one scale per row (49 MB
instead of 197; they are looked up, not multiplied, so the error stays far below the check's cosine 0.999);
the transformer's weights stay fp32: int8 dynamic quantisation of its matrix products, measured here, agreed
with the fp32 model only to cosine 0.985-0.99 on the evaluation questions and saved 3 ms of 13 per query.
Run by :mod:`knowledge.model_build` (``make model``); torch is needed for the export only.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from knowledge.errors import ModelError
from knowledge.onnx_encoder import GRAPH, ONNX_TOKENIZER, OnnxEncoder

MIN_COSINE = 0.999
OPSET = 17


# The vocabulary kept in the graph: pieces written only in these ranges (Latin with its accents, punctuation
# and symbols, CJK ideographs and punctuation, full-width forms) and the special tokens. Of XLM-R's 250,002
# pieces about half are other scripts; their embedding rows were most of the graph's memory. A piece outside
# the ranges (Cyrillic, Arabic, kana, ...) is read as <unk>; Chinese and English text encodes as before.
KEPT_RANGES = (
    (0x0000, 0x024F),
    (0x2000, 0x2BFF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
)
SPECIAL_IDS = (0, 1, 2, 3, 250001)  # <s> <pad> </s> <unk> <mask>


def kept_token_ids(tokenizer_file: Path) -> List[int]:
    """Ids of the pieces Chinese and English text can produce (see :data:`KEPT_RANGES`), ascending."""
    pieces = json.loads(tokenizer_file.read_text(encoding="utf-8"))["model"]["vocab"]
    kept = set(SPECIAL_IDS)
    for token_id, (piece, _score) in enumerate(pieces):
        if all(any(low <= ord(c) <= high for low, high in KEPT_RANGES) for c in piece.replace("\u2581", "")):
            kept.add(token_id)
    return sorted(kept)


def trimmed_tokenizer(tokenizer_file: Path, kept: Sequence[int]) -> Dict:
    """The tokenizer with the ``kept`` pieces only, renumbered in order: piece ``kept[i]`` becomes id ``i``.
    A Unigram tokenizer only ever uses pieces made of the text's own characters, so Chinese and English text
    is cut exactly as before; characters outside :data:`KEPT_RANGES` become <unk>, as they did."""
    data = json.loads(tokenizer_file.read_text(encoding="utf-8"))
    position = {old: new for new, old in enumerate(kept)}
    model = data["model"]
    if model.get("type") != "Unigram":
        raise ModelError(f"{tokenizer_file}: expected a Unigram tokenizer, found {model.get('type')}")
    model["vocab"] = [model["vocab"][i] for i in kept]
    model["unk_id"] = position[model["unk_id"]]
    for token in data.get("added_tokens", []):
        token["id"] = position[token["id"]]
    for special in ((data.get("post_processor") or {}).get("special_tokens") or {}).values():
        special["ids"] = [position[i] for i in special["ids"]]
    return data


def export(model_dir: Path, threads: int = 2) -> Dict[str, int]:
    """Write ``model_dir/onnx/model.onnx`` and ``onnx/tokenizer.json`` from the directory's transformer
    weights and tokenizer, with the kept vocabulary only; what it kept."""
    import torch
    from transformers import AutoModel

    torch.set_num_threads(threads)
    transformer = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    full = transformer.get_input_embeddings().weight.detach()
    kept_ids = kept_token_ids(model_dir / "tokenizer.json")
    words = full[torch.tensor(kept_ids, dtype=torch.int64)]
    scale = (words.abs().amax(dim=1, keepdim=True) / 127.0).clamp(min=1e-12)

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer
            # word embeddings of the kept pieces as int8, one scale per row (the trimmed tokenizer's ids)
            self.register_buffer("codes", torch.round(words / scale).to(torch.int8))
            self.register_buffer("scale", scale.to(torch.float32))

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            embeds = self.codes[input_ids].to(torch.float32) * self.scale[input_ids]
            hidden = self.transformer(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    target = model_dir / GRAPH
    target.parent.mkdir(parents=True, exist_ok=True)
    tokenizer = trimmed_tokenizer(model_dir / "tokenizer.json", kept_ids)
    (model_dir / ONNX_TOKENIZER).write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    ids = torch.tensor([[0, 6, 7, 8, 2], [0, 9, 2, 1, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    batch_and_length = {0: "batch", 1: "length"}
    # The tracer warns about shapes it fixes (padding length, causal masking): constant for this encoder,
    # and verify() checks single texts and padded batches of other lengths against sentence-transformers.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            SentenceEmbedding(),
            (ids, mask),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": batch_and_length,
                "attention_mask": batch_and_length,
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter: one self-contained file, no onnxscript
        )
    return {"onnx_vocabulary_kept": len(kept_ids), "onnx_vocabulary_full": int(full.shape[0])}


def verify(model_dir: Path, sentences: Sequence[str], threads: int = 2) -> Dict[str, float]:
    """Cosines between the graph's and sentence-transformers' vectors; raise below :data:`MIN_COSINE`."""
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    encoder = OnnxEncoder(model_dir, threads=threads)
    figures = {}
    for kind, prompt in (("query", encoder.prompt("query")), ("passage", encoder.prompt("passage"))):
        ours = np.vstack(
            [encoder.encode([s], prompt) for s in sentences] + [encoder.encode(list(sentences), prompt)]
        )
        theirs = reference.encode(list(sentences) * 2, prompt=prompt, normalize_embeddings=True)
        # one at a time, then as one padded batch
        cosines = agreement(ours, theirs, f"ONNX {kind} embeddings", "sentence-transformers", MIN_COSINE)
        figures[f"onnx_{kind}_min_cosine"] = float(cosines.min())
    return figures


def agreement(ours: object, theirs: object, what: str, reference: str, minimum: float) -> np.ndarray:
    """Row-wise cosines of two sets of unit vectors; a :class:`ModelError` when any is below ``minimum``."""
    cosines = np.sum(np.asarray(ours) * np.asarray(theirs), axis=1)
    if cosines.min() < minimum:
        raise ModelError(
            f"verification failed: {what} agree with {reference} only to cosine "
            f"{cosines.min():.5f} (< {minimum})"
        )
    return cosines
