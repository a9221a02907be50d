"""Export a sentence-transformers model directory to one ONNX graph, and check it gives the same vectors.

The graph holds the transformer, mean pooling over the attention mask and L2 normalisation, so ONNX
Runtime returns the sentence embedding itself (:mod:`knowledge.onnx_encoder`). The weights stay fp32:
int8 dynamic quantisation, measured here, agreed with the fp32 model only to cosine 0.985-0.99 on the
evaluation questions and saved 3 ms of 13 per query. Run by :mod:`knowledge.model_build` (``make model``);
torch is needed for the export only.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

from knowledge.errors import ModelError
from knowledge.onnx_encoder import GRAPH, OnnxEncoder

MIN_COSINE = 0.999
OPSET = 17


def export(model_dir: Path, threads: int = 2) -> Path:
    """Write ``model_dir/onnx/model.onnx`` from the directory's transformer weights."""
    import torch
    from transformers import AutoModel

    torch.set_num_threads(threads)
    transformer = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
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
    return target


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
        cosines = np.sum(ours * np.asarray(theirs), axis=1)  # one at a time, then as one padded batch
        figures[f"onnx_{kind}_min_cosine"] = float(cosines.min())
        if cosines.min() < MIN_COSINE:
            raise ModelError(
                f"ONNX verification failed: {kind} embeddings agree with sentence-transformers only to "
                f"cosine {cosines.min():.5f} (< {MIN_COSINE})"
            )
    return figures
