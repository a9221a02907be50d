"""Fixtures of the Rasa-side tests: what a component needs to be created outside a trained model."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource


@pytest.fixture
def context(tmp_path):
    storage = LocalModelStorage(tmp_path)
    return storage, Resource("component"), ExecutionContext(graph_schema=None, model_id="1")
