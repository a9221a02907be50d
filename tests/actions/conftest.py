"""The knowledge fixtures (real model, small bilingual corpus) serve the action tests too."""

from tests.knowledge.conftest import corpus, embedder, model_dir  # noqa: F401
