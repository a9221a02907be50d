"""Send messages made only of unknown words to the NLU fallback.

DIET's character n-grams give keyboard mashing ("xqzv blorft wug", "阿斯顿发送到") a confident intent, often
``greet``. This component learns the vocabulary of the training data (English words and Chinese character
pairs, a pair being about half a word) and, when a message contains nothing known at all, predicts
``nlu_fallback`` instead. It runs after the FallbackClassifier.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bilingual import CJK_RUN

_WORD = re.compile(r"[a-z]{2,}")
VOCABULARY_FILE = "vocabulary.json"


def vocabulary_units(text: str) -> List[str]:
    """English words (2+ letters, lowercased) and Chinese character pairs of ``text``."""
    lowered = (text or "").lower()
    units = _WORD.findall(lowered)
    for run in CJK_RUN.findall(lowered):
        units.extend(run[i : i + 2] for i in range(len(run) - 1))
    return units


def is_unknown_gibberish(text: str, vocabulary: Set[str]) -> bool:
    """Not a button payload, at least one word or character pair, and not one of them known."""
    if not text or text.lstrip().startswith("/"):
        return False
    units = vocabulary_units(text)
    return bool(units) and not any(unit in vocabulary for unit in units)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsFallback(GraphComponent):
    """Predicts ``nlu_fallback`` for messages with no word (or Chinese pair) from the training data."""

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, vocabulary: Optional[Set[str]] = None
    ):
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary: Set[str] = vocabulary or set()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsFallback:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        for example in training_data.training_examples:
            self.vocabulary.update(vocabulary_units(example.get(TEXT) or ""))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self.vocabulary)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsFallback:
        try:
            with model_storage.read_from(resource) as directory:
                vocabulary = set(json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8")))
        except (ValueError, FileNotFoundError):
            vocabulary = set()
        return cls(model_storage, resource, vocabulary)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.vocabulary:
            return messages
        for message in messages:
            if is_unknown_gibberish(message.get(TEXT) or "", self.vocabulary):
                fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.data[INTENT] = fallback
                message.data.setdefault(INTENT_RANKING_KEY, [])
                message.data[INTENT_RANKING_KEY].insert(0, fallback)
        return messages
