"""The custom NLU components, run as Rasa runs them (real Message objects, real Jieba)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.language_detector import LanguageDetector
from bot.components.normalizer import TextNormalizer
from bot.components.tokenizer import TICKET_NUMBER_LEMMA, BilingualTokenizer


@pytest.fixture
def detector(context) -> LanguageDetector:
    storage, resource, execution_context = context
    return LanguageDetector.create({}, storage, resource, execution_context)


@pytest.fixture
def tokenizer(context) -> BilingualTokenizer:
    storage, resource, execution_context = context
    config = {**BilingualTokenizer.get_default_config()}
    return BilingualTokenizer.create(config, storage, resource, execution_context)


def _language_entities(message: Message) -> list[dict]:
    return [e for e in message.get(ENTITIES, []) if e["entity"] == "language"]


@pytest.mark.parametrize(
    ("text", "metadata", "expected"),
    [
        ("你好", None, "zh"),
        ("hello there", None, "en"),
        ("English please", None, "en"),
        ("请用中文", None, "zh"),
        ("2024", {"language": "en"}, "en"),
    ],
)
def test_detector_sets_language_entity(detector, text, metadata, expected) -> None:
    message = Message(data={TEXT: text, METADATA: metadata})
    detector.process([message])
    entities = _language_entities(message)
    assert [e["value"] for e in entities] == [expected]
    assert entities[0]["extractor"] == "LanguageDetector"


def test_detector_adds_nothing_without_evidence(detector) -> None:
    message = Message(data={TEXT: "12345"})
    detector.process([message])
    assert _language_entities(message) == []


def test_detector_replaces_an_earlier_language_entity(detector) -> None:
    message = Message(data={TEXT: "hello", ENTITIES: [{"entity": "language", "value": "zh"}]})
    detector.process([message])
    assert [e["value"] for e in _language_entities(message)] == ["en"]


def test_detector_leaves_training_data_alone(detector) -> None:
    data = TrainingData([Message(data={TEXT: "你好", "intent": "greet"})])
    detector.process_training_data(data)
    assert data.training_examples[0].get(ENTITIES) in (None, [])


def _tokens(tokenizer: BilingualTokenizer, text: str) -> list[str]:
    return [t.text for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_tokenizer_english_words_whole_without_whitespace(tokenizer) -> None:
    assert _tokens(tokenizer, "how do I report infringement?") == [
        "how",
        "do",
        "I",
        "report",
        "infringement",
    ]


def test_tokenizer_segments_chinese(tokenizer) -> None:
    tokens = _tokens(tokenizer, "我要举报商标侵权。")
    assert "举报" in tokens and "商标" in tokens
    assert "。" not in tokens and all(t.strip() for t in tokens)


def test_tokenizer_mixed_text(tokenizer) -> None:
    tokens = _tokens(tokenizer, "请问 trademark 侵权怎么 report")
    assert "trademark" in tokens and "report" in tokens
    assert " " not in tokens


def test_tokenizer_offsets_point_into_the_text(tokenizer) -> None:
    text = "hello 你好 world"
    for token in tokenizer.tokenize(Message(data={TEXT: text}), TEXT):
        assert text[token.start : token.end] == token.text


@pytest.mark.parametrize("text", ["?", "👍", "   ", "。。。"])
def test_tokenizer_never_returns_no_tokens(tokenizer, text) -> None:
    assert len(_tokens(tokenizer, text)) == 1


def test_tokenizer_keeps_a_ticket_number_whole_with_one_lemma(tokenizer) -> None:
    text = "我的工单PT-20261127-0042进度, and pt 20260101 0001"
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    tickets = [t for t in tokens if t.lemma == TICKET_NUMBER_LEMMA]
    assert [t.text for t in tickets] == ["PT-20261127-0042", "pt 20260101 0001"]
    assert "工单" in [t.text for t in tokens] and "进度" in [t.text for t in tokens]
    for token in tokens:
        assert text[token.start : token.end] == token.text


def test_tokenizer_other_numbers_stay_numbers(tokenizer) -> None:
    """Dates, article numbers, years and phone numbers are ordinary tokens, not ticket numbers."""
    for text in (
        "4月26号那天有什么宣传活动",
        "Article 68 of 2023",
        "电话13812345678",
        "PT-2026",
        "XPT-20261127-0042",
    ):
        tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
        assert all(t.lemma != TICKET_NUMBER_LEMMA for t in tokens), text


@pytest.fixture
def normalizer(context) -> TextNormalizer:
    storage, resource, execution_context = context
    return TextNormalizer.create({}, storage, resource, execution_context)


def test_normalizer_cleans_text_for_training_and_inference(normalizer) -> None:
    data = TrainingData([Message(data={TEXT: "<p>商标侵权怎么举报？</p>", "intent": "ask_policy"})])
    normalizer.process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "商标侵权怎么举报？"
    assert data.training_examples[0].get("intent") == "ask_policy"

    messages = [Message(data={TEXT: t}) for t in ("<div><b>report a fake</b></div>", "你好", "<br>", "")]
    normalizer.process(messages)
    assert [m.get(TEXT) for m in messages] == ["report a fake", "你好", "<br>", ""]


def test_normalizer_before_detector_and_tokenizer(normalizer, detector, tokenizer) -> None:
    message = Message(data={TEXT: '<p class="msg" style="font-size:14px">商标侵权怎么举报？</p>'})
    normalizer.process([message])
    detector.process([message])
    tokenizer.process([message])
    assert [e["value"] for e in _language_entities(message)] == ["zh"]
    tokens = [t.text for t in message.get("text_tokens")]
    assert "商标" in tokens and not {"p", "class", "style", "font", "px"} & set(tokens)


def test_unknown_words_fallback(context) -> None:
    from rasa.shared.nlu.constants import INTENT

    from bot.components.unknown_words import UnknownWordsFallback, is_unknown_gibberish

    storage, resource, execution_context = context
    component = UnknownWordsFallback.create({}, storage, resource, execution_context)
    examples = [
        Message(data={TEXT: t, "intent": "greet"}) for t in ("hello there, how do I report fakes", "你好啊")
    ]
    component.train(TrainingData(examples))
    loaded = UnknownWordsFallback.load({}, storage, resource, execution_context)
    assert {"hello", "report", "fakes", "你好", "好啊"} <= loaded.vocabulary

    texts = ("xqzv blorft wug", "阿斯顿发送", "hello xqzv", "你好 xqzv", "您好", "/greet", "12345", "好")
    messages = [Message(data={TEXT: text, INTENT: {"name": "greet", "confidence": 0.9}}) for text in texts]
    loaded.process(messages)
    names = [m.get(INTENT)["name"] for m in messages]
    assert names == [
        "nlu_fallback",
        "nlu_fallback",
        "greet",
        "greet",
        "nlu_fallback",
        "greet",
        "greet",
        "greet",
    ]
    assert not is_unknown_gibberish("report", loaded.vocabulary)


def test_tokenizer_has_jiebas_dictionary_loaded_before_the_first_message(context, monkeypatch) -> None:
    import jieba

    monkeypatch.setattr(jieba.dt, "initialized", False)  # as in a fresh process
    storage, resource, execution_context = context
    BilingualTokenizer.create(
        {**BilingualTokenizer.get_default_config()}, storage, resource, execution_context
    )
    assert jieba.dt.initialized  # loaded with the model, not during the first user's message
