"""Export a sentence-transformers model directory to one ONNX graph, and check it gives the same vectors.

The graph holds the transformer, mean pooling over the attention mask and L2 normalisation, so ONNX
Runtime returns the sentence embedding itself (:mod:`knowledge.onnx_encoder`), and only the word embeddings
of the pieces Chinese and English text use (:data:`KEPT_RANGES`; the tokenizer is unchanged, a lookup table
inside the graph maps its ids). The weights stay fp32:
int8 dynamic quantisation, measured here, agreed with the fp32 model only to cosine 0.985-0.99 on the
evaluation questions and saved 3 ms of 13 per query. Run by :mod:`knowledge.model_build` (``make model``);
torch is needed for the export only.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from knowledge.errors import ModelError
from knowledge.onnx_encoder import GRAPH, OnnxEncoder

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
UNK_ID = 3


def kept_token_ids(tokenizer_file: Path) -> List[int]:
    """Ids of the pieces Chinese and English text can produce (see :data:`KEPT_RANGES`), ascending."""
    pieces = json.loads(tokenizer_file.read_text(encoding="utf-8"))["model"]["vocab"]
    kept = set(SPECIAL_IDS)
    for token_id, (piece, _score) in enumerate(pieces):
        if all(any(low <= ord(c) <= high for low, high in KEPT_RANGES) for c in piece.replace("\u2581", "")):
            kept.add(token_id)
    return sorted(kept)


def export(model_dir: Path, threads: int = 2) -> Dict[str, int]:
    """Write ``model_dir/onnx/model.onnx`` from the directory's transformer weights, with the word
    embeddings of the kept vocabulary only; what it kept."""
    import torch
    from transformers import AutoModel

    torch.set_num_threads(threads)
    transformer = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    full = transformer.get_input_embeddings().weight.detach()
    kept = torch.tensor(kept_token_ids(model_dir / "tokenizer.json"), dtype=torch.int64)
    remap = torch.full((full.shape[0],), int((kept == UNK_ID).nonzero()[0, 0]), dtype=torch.int64)
    remap[kept] = torch.arange(len(kept))

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer
            self.register_buffer("remap", remap)  # tokenizer id -> row of the kept embeddings
            self.words = torch.nn.Parameter(full[kept].clone(), requires_grad=False)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            embeds = torch.nn.functional.embedding(self.remap[input_ids], self.words)
            hidden = self.transformer(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    target = model_dir / GRAPH
    target.parent.mkdir(parents=True, exist_ok=True)
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
    return {"onnx_vocabulary_kept": len(kept), "onnx_vocabulary_full": int(full.shape[0])}


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
