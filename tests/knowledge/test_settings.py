"""The engine's settings and the action server's, read from the environment by the same parsers."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.settings import Settings
from knowledge.settings import KnowledgeSettings


def test_the_engine_reads_its_variables(tmp_path: Path) -> None:
    env = {
        "ASSISTANT_VAR_DIR": str(tmp_path),
        "KNOWLEDGE_ENCODE_THREADS": "4",
        "KNOWLEDGE_DENSE_INDEX": "HNSW",
    }
    settings = KnowledgeSettings.from_env(env)
    assert settings.index_dir == tmp_path / "index"
    assert settings.default_model_dir == tmp_path / "models" / "multilingual-e5-small"
    assert settings.encode_threads == 4 and settings.dense_index == "hnsw"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KNOWLEDGE_CHUNK_SIZE", "big", "KNOWLEDGE_CHUNK_SIZE must be a whole number, not 'big'"),
        ("KNOWLEDGE_DENSE_INDEX", "ivf", "KNOWLEDGE_DENSE_INDEX must be 'flat' or 'hnsw', not 'ivf'"),
        (
            "KNOWLEDGE_EMBEDDING_ENGINE",
            "gpu",
            "KNOWLEDGE_EMBEDDING_ENGINE must be 'auto' or 'onnx' or 'torch'",
        ),
    ],
)
def test_a_bad_value_stops_with_one_kind_of_message(name: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KnowledgeSettings.from_env({name: value})
    with pytest.raises(ValueError, match=message):
        Settings.from_env({name: value})  # the action server's settings read them the same way


def test_the_action_servers_settings_extend_the_engines(tmp_path: Path) -> None:
    env = {
        "ASSISTANT_VAR_DIR": str(tmp_path),
        "ASSISTANT_DEFAULT_LANGUAGE": "en",
        "STAFF_SECURE_COOKIES": "yes",
    }
    settings = Settings.from_env(env)
    assert isinstance(settings, KnowledgeSettings)
    assert settings.index_dir == KnowledgeSettings.from_env(env).index_dir
    assert settings.default_language == "en" and settings.staff_secure_cookies
    assert settings.staff_database_url == f"sqlite:///{tmp_path / 'staff' / 'staff.db'}"
