"""Intents that need certain words: without them the message is a policy question.

Ticket intents need words about a ticket.

DIET reads character n-grams, so "查" (check) or "进度" alone pull a question towards ``ticket_status``:
"作为证明商标注册的地理标志也归你们查吗" or "一般什么时候查" would be answered with "please give your
ticket number". A status request always says what it asks about: a ticket number (PT-20261127-0042) or
words about a ticket, a case, an application one has submitted, its status. This component runs after the
classifiers and, when ``ticket_status`` won without any of these, hands the message to ``ask_policy`` (the
knowledge answer, whose own confidence still decides whether the documents cover it). Likewise "申请" pulls
a question about a procedure ("申请调解要带哪些材料") towards ``open_ticket``: a question that asks for no
ticket and no one's help ("我要", "帮我", "open a ticket") is a policy question.

Questions about the assistant itself (``ask_capabilities``, ``bot_challenge``) speak of it: 你/you, the bot,
its service, help, a menu. DIET takes a short question about a term for one of them ("行刑衔接是啥", "when?",
"现在还是第九条吗"): a question that names neither the assistant nor its service is a policy question too.

A request for a person (``human_handoff``) names one (人工, 工作人员, staff, a human…), and a question for
the workstation list (``list_workstations``) names a workstation, a desk or where, when and how to reach one.
Short follow-ups are taken for them ("员工泄密了呢" for a hand-off, "哪个最快" for the list): a question
that names neither is a policy question.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bilingual import is_question
from bot.components.language import TICKET_NUMBER

TICKET_STATUS = "ticket_status"
POLICY = "ask_policy"
TICKET_WORDS = re.compile(
    r"工单|单号|编号|受理号|回执|"
    r"(?:我|我们|本人|之前|上次|上周|昨天|前几天|刚才)(?:的|提交的|提的|交的|递交的|申请的)?"
    r"(?:申请|请求|求助|案子|案件|材料)|"
    r"(?:申请|请求|求助|案子|案件)(?:的)?(?:进度|进展|状态|结果|处理)|"
    r"\b(?:ticket|tickets|status|track|tracking|reference number|case number)\b|"
    r"\bmy (?:case|request|application|complaint|submission)\b",
    re.IGNORECASE,
)


OPEN_TICKET = "open_ticket"
REQUEST = re.compile(
    r"工单|帮我|请帮|给我|替我|我要|我想|我们要|我们想|登记|预约|联系我|"
    r"\b(?:ticket|register|log my|book|sign (?:me|us) up|create|open|contact (?:me|us)|i want|i'd like|"
    r"we want|we'd like|please|help (?:me|us)|for (?:me|us)|someone|somebody|a person|staff)\b",
    re.IGNORECASE,
)


NAMES_THE_ASSISTANT = re.compile(
    r"你|您|机器|真人|人工|客服|助手|智能|程序|自动|功能|服务|帮助|帮忙|菜单|干啥|干嘛|做什么|做啥|会什么|"
    r"怎么用|介绍|\b(?:you|u|your|yours|bot|robot|chatbot|ai|human|person|machine|automated|assistant|"
    r"service|services|help|menu|options?|capabilit(?:y|ies)|work|use this)\b",
    re.IGNORECASE,
)


NAMES_A_PERSON = re.compile(
    r"人工|真人|工作人员|客服|专人|找个人|找人|机器人|"
    r"\b(?:staff|person|human|agent|someone|somebody|people|representative|operator|officer)\b",
    re.IGNORECASE,
)
NAMES_A_WORKSTATION = re.compile(
    r"工作站|保护点|窗口|服务点|站点|现场|线下|地址|位置|在哪|哪里|哪儿|怎么去|电话|几点|上班|列表|最近|"
    r"\b(?:workstations?|office|desks?|points?|address|where|visit|in person|hours|phone|closest|nearest|"
    r"located|location)\b",
    re.IGNORECASE,
)

# A question these intents won must carry the words of what they are for, or it is a policy question.
WORDS_OF_THE_INTENT = {
    "ask_capabilities": NAMES_THE_ASSISTANT,
    "bot_challenge": NAMES_THE_ASSISTANT,
    "human_handoff": NAMES_A_PERSON,
    "list_workstations": NAMES_A_WORKSTATION,
}


def names_a_ticket(text: str) -> bool:
    """The message carries a ticket number or speaks of a ticket, a submitted case or its status."""
    text = text or ""
    return bool(TICKET_NUMBER.search(text) or TICKET_WORDS.search(text))


def asks_about_a_procedure(text: str) -> bool:
    """The message asks how something is done ("申请调解要带哪些材料") rather than asking for it to be done
    ("我要申请调解", "帮我开个工单"): a question, with no request for a ticket or a person's help."""
    text = text or ""
    return is_question(text) and not REQUEST.search(text)


def guard(message: Message) -> None:
    """``ticket_status`` without a ticket, ``open_ticket`` that only asks how a procedure goes, a question
    about the assistant that names neither it nor its service, a hand-off question that names no person and
    a workstation question that names no workstation become ``ask_policy`` (same confidence, ranking
    reordered)."""
    intent = message.get(INTENT) or {}
    name, text = intent.get(INTENT_NAME_KEY), message.get(TEXT) or ""
    no_status = name == TICKET_STATUS and not names_a_ticket(text)
    no_request = name == OPEN_TICKET and asks_about_a_procedure(text)
    words = WORDS_OF_THE_INTENT.get(name)
    without_its_words = words is not None and is_question(text) and not words.search(text)
    if no_status or no_request or without_its_words:
        _to_policy(message, name, float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0))


def _to_policy(message: Message, demoted_intent: str, confidence: float) -> None:
    policy = {INTENT_NAME_KEY: POLICY, PREDICTED_CONFIDENCE_KEY: confidence}
    message.data[INTENT] = policy
    ranking = [
        item
        for item in message.data.get(INTENT_RANKING_KEY) or []
        if item.get(INTENT_NAME_KEY) not in (POLICY, demoted_intent)
    ]
    demoted = {INTENT_NAME_KEY: demoted_intent, PREDICTED_CONFIDENCE_KEY: 0.0}
    message.data[INTENT_RANKING_KEY] = [policy, *ranking, demoted]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TicketIntentGuard(GraphComponent):
    """Turns ticket and assistant predictions that lack their words into policy questions (see the
    module's docstring)."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TicketIntentGuard:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            guard(message)
        return messages
