"""All settings of our own code, read from environment variables in one place.

Rasa's own settings live in ``config.yml`` and ``bot/endpoints.yml``; everything the action server, the
knowledge engine and the staff tools need comes from here, so a deployment changes environment variables,
not code. Tests build a :class:`Settings` of their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"


def _path(value: str | None, default: Path) -> Path:
    return Path(value).expanduser().resolve() if value else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


@dataclass(frozen=True)
class Settings:
    """Deployment settings; every field has an environment variable (see README, Configuration)."""

    var_dir: Path = DEFAULT_VAR_DIR
    default_language: str = "zh"
    # Knowledge engine
    docs_dir: Path = PROJECT_ROOT / "knowledge" / "docs"
    index_dir: Path = DEFAULT_VAR_DIR / "index"
    embedding_model: str = str(DEFAULT_VAR_DIR / "models" / "multilingual-e5-small")
    chunk_size: int = 300  # target characters for Chinese; English uses about 5x as many (~200 words)
    chunk_overlap: int = 1  # sentences repeated from the previous chunk
    dense_index: str = "flat"  # "flat" (exact) or "hnsw" (approximate, for large bases)
    # the fitted answer-confidence model (``make calibrate``; knowledge/confidence.py)
    confidence_model: Path = PROJECT_ROOT / "knowledge" / "confidence_model.json"
    encode_threads: int = 2
    embedding_engine: str = "auto"  # "onnx", "torch", or "auto": ONNX when the model directory has its graph
    # Staff console
    staff_database_url: str = ""  # default: an SQLite file under var_dir
    staff_secret_key: str = ""  # signs session cookies; default: a random key kept in var_dir
    staff_secure_cookies: bool = False  # True behind HTTPS: cookies are then never sent in clear

    @property
    def default_model_dir(self) -> Path:
        return self.var_dir / "models" / "multilingual-e5-small"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        var_dir = _path(env("ASSISTANT_VAR_DIR"), DEFAULT_VAR_DIR)
        default_language = env("ASSISTANT_DEFAULT_LANGUAGE", "zh")
        if default_language not in ("zh", "en"):
            default_language = "zh"
        dense_index = env("KNOWLEDGE_DENSE_INDEX", "flat").lower()
        if dense_index not in ("flat", "hnsw"):
            raise ValueError(f"KNOWLEDGE_DENSE_INDEX must be 'flat' or 'hnsw', not {dense_index!r}")
        engine = env("KNOWLEDGE_EMBEDDING_ENGINE", "auto").lower()
        if engine not in ("auto", "onnx", "torch"):
            raise ValueError(f"KNOWLEDGE_EMBEDDING_ENGINE must be 'auto', 'onnx' or 'torch', not {engine!r}")
        return cls(
            var_dir=var_dir,
            default_language=default_language,
            docs_dir=_path(env("KNOWLEDGE_DOCS_DIR"), PROJECT_ROOT / "knowledge" / "docs"),
            index_dir=_path(env("KNOWLEDGE_INDEX_DIR"), var_dir / "index"),
            embedding_model=env("KNOWLEDGE_EMBEDDING_MODEL")
            or str(var_dir / "models" / "multilingual-e5-small"),
            chunk_size=_int("KNOWLEDGE_CHUNK_SIZE", 300),
            chunk_overlap=_int("KNOWLEDGE_CHUNK_OVERLAP", 1),
            dense_index=dense_index,
            confidence_model=_path(
                env("KNOWLEDGE_CONFIDENCE_MODEL"), PROJECT_ROOT / "knowledge" / "confidence_model.json"
            ),
            encode_threads=_int("KNOWLEDGE_ENCODE_THREADS", 2),
            embedding_engine=engine,
            staff_database_url=env("STAFF_DATABASE_URL") or f"sqlite:///{var_dir / 'staff' / 'staff.db'}",
            staff_secret_key=env("STAFF_SECRET_KEY", ""),
            staff_secure_cookies=env("STAFF_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        )


def get_settings() -> Settings:
    """The settings of this process, read from the environment on each call (cheap)."""
    return Settings.from_env()
