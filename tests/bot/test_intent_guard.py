"""The intent guard after the classifiers: ticket intents and questions about the assistant only when the
words say so, and every training example of those intents meets the same rule."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


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


@pytest.mark.parametrize(
    "intent, pattern", [("human_handoff", "NAMES_A_PERSON"), ("list_workstations", "NAMES_A_WORKSTATION")]
)
def test_every_hand_off_and_workstation_example_names_what_it_asks_for(intent, pattern) -> None:
    """The guard may never undo what the training data teaches these intents."""
    from bot.components import intent_guard

    examples = _ticket_examples(intent)
    assert len(examples) > 15
    assert [text for text in examples if not getattr(intent_guard, pattern).search(text)] == []


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("员工泄密了呢", "human_handoff", "ask_policy"),  # a follow-up on trade secrets
        ("有没有人工", "human_handoff", "human_handoff"),
        ("can i speak to someone?", "human_handoff", "human_handoff"),
        ("转人工", "human_handoff", "human_handoff"),
        ("哪个最快", "list_workstations", "ask_policy"),  # which way of resolving a dispute is fastest
        ("which one is fastest?", "list_workstations", "ask_policy"),
        ("工作站几点上班", "list_workstations", "list_workstations"),
        ("where can i go in person?", "list_workstations", "list_workstations"),
        ("离我最近的是哪个", "list_workstations", "list_workstations"),
    ],
)
def test_a_hand_off_names_a_person_and_the_workstation_list_a_workstation(
    context, text, intent, expected
) -> None:
    from rasa.shared.nlu.constants import INTENT

    message = _guarded(context, text, [(intent, 0.8), ("ask_policy", 0.1)])
    assert message.get(INTENT)["name"] == expected
