"""Tokenizer for mixed Chinese and English text.

Rasa's ``JiebaTokenizer`` emits whitespace (and punctuation) as tokens for English text (Rasa issues
#7910 and #6988), which pollutes the bag-of-words features. This subclass keeps Jieba's Chinese word
segmentation, keeps English words and numbers whole, and drops tokens that are only whitespace or
punctuation.
"""

from __future__ import annotations

import unicodedata
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


def is_content_token(word: str) -> bool:
    """A token worth keeping: it has at least one letter, digit or CJK character."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in word)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class BilingualTokenizer(JiebaTokenizer):
    """Jieba for Chinese, whole words for English, no whitespace or punctuation tokens."""

    @staticmethod
    def supported_languages() -> None:
        """Any pipeline language: the text itself may mix Chinese and English."""
        return None

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        import jieba

        text = message.get(attribute) or ""
        tokens = [Token(word, start) for word, start, _end in jieba.tokenize(text) if is_content_token(word)]
        if not tokens:
            # Rasa expects at least one token; keep the raw text (e.g. "?" or "👍") as one.
            stripped = text.strip()
            tokens = [Token(stripped or text, text.find(stripped) if stripped else 0)]
        return self._apply_token_pattern(tokens)
