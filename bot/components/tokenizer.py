"""Tokenizer for mixed Chinese and English text.

Rasa's ``JiebaTokenizer`` emits whitespace (and punctuation) as tokens for English text (Rasa issues
#7910 and #6988), which pollutes the bag-of-words features. This subclass keeps Jieba's Chinese word
segmentation, keeps English words and numbers whole, and drops tokens that are only whitespace or
punctuation.

An assistance ticket's number (PT-20261127-0042) is one token whose lemma, which the count-vector
featurizers read, is the same for every ticket: ``__ticketid__``. Jieba would cut it into ``PT``,
``20261127`` and ``0042``, and Rasa's count vectors turn every digit token into ``__NUMBER__``; the
ticket-status examples then taught DIET that any number (a date, an article, a year, a phone number)
means "check my ticket". With its own lemma a ticket number says "ticket", and a number says nothing.

Jieba loads its dictionary on first use (about a second); the tokenizer loads it when the model loads, so
the first message after start-up is parsed as fast as the others.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.components.language import TICKET_NUMBER

# What the featurizers see for any ticket number: no digits (Rasa's count vectors would make them
# __NUMBER__), one word for the word vectorizer.
TICKET_NUMBER_LEMMA = "__ticketid__"


def is_content_token(word: str) -> bool:
    """A token worth keeping: it has at least one letter, digit or CJK character."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in word)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class BilingualTokenizer(JiebaTokenizer):
    """Jieba for Chinese, whole words for English, no whitespace or punctuation tokens."""

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()  # now, at model load, not during the first user's message

    @staticmethod
    def supported_languages() -> None:
        """Any pipeline language: the text itself may mix Chinese and English."""
        return None

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens: List[Token] = []
        position = 0
        for match in TICKET_NUMBER.finditer(text):
            tokens.extend(_words(text[position : match.start()], position))
            tokens.append(Token(match.group(), match.start(), lemma=TICKET_NUMBER_LEMMA))
            position = match.end()
        tokens.extend(_words(text[position:], position))
        if not tokens:
            # Rasa expects at least one token; keep the raw text (e.g. "?" or "👍") as one.
            stripped = text.strip()
            tokens = [Token(stripped or text, text.find(stripped) if stripped else 0)]
        return self._apply_token_pattern(tokens)


def _words(text: str, offset: int) -> List[Token]:
    """Jieba's words of ``text`` that have content, with offsets into the whole message."""
    import jieba

    if not text:
        return []
    return [
        Token(word, offset + start) for word, start, _end in jieba.tokenize(text) if is_content_token(word)
    ]
