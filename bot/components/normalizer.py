"""First NLU component: the pipeline reads the message without HTML markup.

Text pasted from a web page or a rich-text editor arrives as ``<p>商标侵权怎么举报？</p>`` or with
``&nbsp;``. Tag names and attributes would become tokens and character n-grams that no training example
has, and pull the intent towards whatever English example shares them. This component replaces the
message text with ``normalize_text`` (``bot/components/language.py``) for every later component, in
training and at inference. The tracker keeps what the user sent: Rasa stores the original text in the
``UserUttered`` event; only the NLU parse data carries the normalised text.

Rasa's default recipe runs ``process_training_data`` only for tokenizers and featurizers, so the
component is registered as a tokenizer type although it sets no tokens (it is no ``Tokenizer`` subclass,
so the pipeline still has exactly one tokenizer).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.language import normalize_text


def normalize_message(message: Message) -> None:
    """Set the normalised text on ``message``; a message that would become empty keeps its text."""
    text = message.get(TEXT)
    if not isinstance(text, str) or not text:
        return
    normalized = normalize_text(text)
    if normalized and normalized != text:
        message.set(TEXT, normalized)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    """Removes HTML tags and entities and collapses whitespace in the message text."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextNormalizer:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            normalize_message(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            normalize_message(message)
        return messages
