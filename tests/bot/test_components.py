"""The custom NLU components, run as Rasa runs them (real Message objects, real Jieba)."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.language_detector import LanguageDetector
from bot.components.normalizer import TextNormalizer
from bot.components.tokenizer import TICKET_NUMBER_LEMMA, BilingualTokenizer


@pytest.fixture
def context(tmp_path):
    storage = LocalModelStorage(tmp_path)
    return storage, Resource("component"), ExecutionContext(graph_schema=None, model_id="1")


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


def _examples(path: str, intent: str) -> list:
    """The training examples of ``intent`` in ``bot/data/nlu/<path>``."""
    import yaml

    with open(f"bot/data/nlu/{path}", encoding="utf-8") as source:
        data = yaml.safe_load(source)
    (block,) = [item for item in data["nlu"] if item.get("intent") == intent]
    return [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]


def _ticket_examples(intent: str) -> list:
    return _examples("tickets.yml", intent)


def _guarded(context, text: str, ranking: list) -> Message:
    """``text`` as the classifiers left it (``ranking``: intent and confidence, best first), after the guard."""
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    from bot.components.intent_guard import TicketIntentGuard

    storage, resource, execution_context = context
    items = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message(data={TEXT: text, INTENT: dict(items[0]), INTENT_RANKING_KEY: items})
    TicketIntentGuard.create({}, storage, resource, execution_context).process([message])
    return message


def test_every_ticket_status_example_names_a_ticket() -> None:
    """The guard may never undo what the training data teaches ticket_status."""
    from bot.components.intent_guard import names_a_ticket

    examples = _ticket_examples("ticket_status")
    assert len(examples) > 20
    assert [text for text in examples if not names_a_ticket(text)] == []


def test_no_open_ticket_example_is_taken_for_a_question_about_a_procedure() -> None:
    """Nor what it teaches open_ticket."""
    from bot.components.intent_guard import asks_about_a_procedure

    examples = _ticket_examples("open_ticket")
    assert len(examples) > 20
    assert [text for text in examples if asks_about_a_procedure(text)] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("申请调解要带哪些材料", "ask_policy"),
        ("专利纠纷想调解，怎么申请", "ask_policy"),
        ("how do I apply for mediation?", "ask_policy"),
        ("我要申请调解", "open_ticket"),
        ("怎么申请援助，帮我办一下", "open_ticket"),
        ("can you open a ticket for me?", "open_ticket"),
    ],
)
def test_open_ticket_only_when_a_ticket_or_help_is_asked_for(context, text, expected) -> None:
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    message = _guarded(context, text, [("open_ticket", 0.8), ("ask_policy", 0.1)])
    assert message.get(INTENT)["name"] == expected
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("作为证明商标注册的地理标志也归你们查吗", "ask_policy"),
        ("一般什么时候查", "ask_policy"),
        ("4月26号那天有什么宣传活动？", "ask_policy"),
        ("when do you check GI products", "ask_policy"),
        ("查一下我的工单", "ticket_status"),
        ("PT-20261127-0042 进度", "ticket_status"),
        ("我上次提交的申请有结果了吗", "ticket_status"),
        ("any update on my case", "ticket_status"),
    ],
)
def test_ticket_intent_guard(context, text, expected) -> None:
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    message = _guarded(context, text, [("ticket_status", 0.9), ("ask_policy", 0.05)])
    assert message.get(INTENT)["name"] == expected
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == expected
    if expected == "ask_policy":
        assert message.get(INTENT)["confidence"] == 0.9  # the policy question keeps the NLU's certainty


@pytest.mark.parametrize(
    "path, intent", [("capabilities.yml", "ask_capabilities"), ("smalltalk.yml", "bot_challenge")]
)
def test_every_question_about_the_assistant_names_it(path, intent) -> None:
    """The guard may never undo what the training data teaches about the assistant."""
    from bot.components.intent_guard import NAMES_THE_ASSISTANT

    examples = _examples(path, intent)
    assert len(examples) > 20
    assert [text for text in examples if not NAMES_THE_ASSISTANT.search(text)] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("双随机抽查是啥", "ask_policy"),
        ("一站式平台是什么", "ask_policy"),
        ("那现在还适用吗", "ask_policy"),
        ("which products?", "ask_policy"),
        ("你能做什么", "ask_capabilities"),
        ("菜单", "ask_capabilities"),
        ("what can you do?", "ask_capabilities"),
        ("你是机器人吗", "bot_challenge"),
        ("is this automated?", "bot_challenge"),
    ],
)
def test_a_question_about_the_assistant_names_it(context, text, expected) -> None:
    from rasa.shared.nlu.constants import INTENT

    intent = "bot_challenge" if expected == "bot_challenge" else "ask_capabilities"
    message = _guarded(context, text, [(intent, 0.8), ("ask_policy", 0.1)])
    assert message.get(INTENT)["name"] == expected


def test_ticket_intent_guard_leaves_other_intents(context) -> None:
    from rasa.shared.nlu.constants import INTENT

    from bot.components.intent_guard import TicketIntentGuard

    storage, resource, execution_context = context
    message = Message(data={TEXT: "一般什么时候查", INTENT: {"name": "greet", "confidence": 0.7}})
    TicketIntentGuard.create({}, storage, resource, execution_context).process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.7}


def test_tokenizer_has_jiebas_dictionary_loaded_before_the_first_message(context, monkeypatch) -> None:
    import jieba

    monkeypatch.setattr(jieba.dt, "initialized", False)  # as in a fresh process
    storage, resource, execution_context = context
    BilingualTokenizer.create(
        {**BilingualTokenizer.get_default_config()}, storage, resource, execution_context
    )
    assert jieba.dt.initialized  # loaded with the model, not during the first user's message
