"""The knowledge engine's settings, read from environment variables, and the one way to read a setting.

The engine depends on no other package of ours (``make lint`` enforces it), so its command-line tools read
their settings here; the action server's and the staff tools' settings (``actions/settings.py``) are built
on these, with the same parsers and the same error message for a bad value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
MODEL_NAME = "multilingual-e5-small"


def bad_value(name: str, value: str, expected: str) -> ValueError:
    """The one error message for a setting that cannot be read."""
    return ValueError(f"{name} must be {expected}, not {value!r}")


def env_path(env: Mapping[str, str], name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value).expanduser().resolve() if value else default


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise bad_value(name, value or "", "a whole number") from None


def env_number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise bad_value(name, value or "", "a number") from None


def env_choice(env: Mapping[str, str], name: str, choices: Sequence[str], default: str) -> str:
    value = (env.get(name) or default).lower()
    if value not in choices:
        raise bad_value(name, value, " or ".join(repr(c) for c in choices))
    return value


def env_flag(env: Mapping[str, str], name: str) -> bool:
    return (env.get(name) or "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class KnowledgeSettings:
    """Where the documents, the index and the model are, and how passages are cut and encoded."""

    var_dir: Path = DEFAULT_VAR_DIR
    docs_dir: Path = PROJECT_ROOT / "knowledge" / "docs"
    # the staff's glossary (knowledge/glossary.py); None: glossary.yml next to the documents' folder
    glossary_file: Optional[Path] = None
    index_dir: Path = DEFAULT_VAR_DIR / "index"
    embedding_model: str = str(DEFAULT_VAR_DIR / "models" / MODEL_NAME)
    chunk_size: int = 300  # target characters for Chinese; English uses about 5x as many (~200 words)
    chunk_overlap: int = 1  # sentences repeated from the previous chunk
    dense_index: str = "flat"  # "flat" (exact) or "hnsw" (approximate, for large bases)
    # the fitted answer-confidence model (``make calibrate``; knowledge/confidence.py)
    confidence_model: Path = PROJECT_ROOT / "knowledge" / "confidence_model.json"
    # the scope classifier over query vectors (``make calibrate``; knowledge/scope.py)
    scope_model: Path = PROJECT_ROOT / "knowledge" / "scope_model.json"
    encode_threads: int = 2
    embedding_engine: str = "auto"  # "onnx", "torch", or "auto": ONNX when the model directory has its graph
    # PostgreSQL that publishes index builds to every host (knowledge/published.py); None: local files only
    database_url: Optional[str] = None
    follow_seconds: float = 5.0  # how often a serving process checks for a newly published build

    def published_index(self):  # noqa: ANN201 - Optional[PublishedIndex]; imported only when configured
        """The database that publishes index builds to every host, or None (this host's files only)."""
        from knowledge.published import published_index

        return published_index(self.database_url)

    @property
    def default_model_dir(self) -> Path:
        return self.var_dir / "models" / MODEL_NAME

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> KnowledgeSettings:
        env = os.environ if env is None else env
        var_dir = env_path(env, "ASSISTANT_VAR_DIR", DEFAULT_VAR_DIR)
        return cls(
            var_dir=var_dir,
            docs_dir=env_path(env, "KNOWLEDGE_DOCS_DIR", PROJECT_ROOT / "knowledge" / "docs"),
            glossary_file=env_path(env, "KNOWLEDGE_GLOSSARY_FILE", None),
            index_dir=env_path(env, "KNOWLEDGE_INDEX_DIR", var_dir / "index"),
            embedding_model=env.get("KNOWLEDGE_EMBEDDING_MODEL") or str(var_dir / "models" / MODEL_NAME),
            chunk_size=env_int(env, "KNOWLEDGE_CHUNK_SIZE", 300),
            chunk_overlap=env_int(env, "KNOWLEDGE_CHUNK_OVERLAP", 1),
            dense_index=env_choice(env, "KNOWLEDGE_DENSE_INDEX", ("flat", "hnsw"), "flat"),
            confidence_model=env_path(
                env, "KNOWLEDGE_CONFIDENCE_MODEL", PROJECT_ROOT / "knowledge" / "confidence_model.json"
            ),
            scope_model=env_path(
                env, "KNOWLEDGE_SCOPE_MODEL", PROJECT_ROOT / "knowledge" / "scope_model.json"
            ),
            encode_threads=env_int(env, "KNOWLEDGE_ENCODE_THREADS", 2),
            embedding_engine=env_choice(env, "KNOWLEDGE_EMBEDDING_ENGINE", ("auto", "onnx", "torch"), "auto"),
            database_url=env.get("KNOWLEDGE_DATABASE_URL") or None,
            follow_seconds=env_number(env, "KNOWLEDGE_FOLLOW_SECONDS", 5.0),
        )


def get_settings() -> KnowledgeSettings:
    """The engine's settings, read from the environment on each call (cheap)."""
    return KnowledgeSettings.from_env()
