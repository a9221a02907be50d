"""``action_show_capabilities``: tell the user, in their language, what the assistant does.

The list is data (:data:`CAPABILITIES`), so each feature adds its own line where it is built, and the
message is the same on every channel: a short text plus buttons that start each capability.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import conversation_language
from actions.texts import text


@dataclass(frozen=True)
class Capability:
    """One thing the assistant can do, described in both languages."""

    zh: str
    en: str
    button_zh: Optional[str] = None
    button_en: Optional[str] = None
    payload_zh: Optional[str] = None  # what the button sends: an intent ("/open_ticket") or a question
    payload_en: Optional[str] = None

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.zh

    def button(self, language: str) -> Optional[Dict[str, str]]:
        title = self.button_en if language == "en" else self.button_zh
        payload = self.payload_en if language == "en" else self.payload_zh
        if not (title and payload):
            return None
        return {"title": title, "payload": payload}


# The plan's topics, from the 2023 Putuo district plan for IP administrative protection.
PLAN_TOPICS_ZH = (
    "商标行政执法（直播带货、微店微商、定牌加工等）、专利纠纷行政调解、地理标志保护、"
    "非正常专利申请和商标恶意注册、进博会等重大活动保护、电子商务平台监管、"
    "涉外知识产权保护（中以（上海）创新园维权援助工作站、商业秘密保护点、海外纠纷应对指导）、"
    "跨区域协作和知识产权纠纷多元化解"
)
PLAN_TOPICS_EN = (
    "trademark enforcement (livestream sales, WeChat shops, OEM processing), administrative mediation of "
    "patent disputes, geographical indications, abnormal patent applications and malicious trademark "
    "registration, protection at major events such as the China International Import Expo, e-commerce "
    "platform supervision, foreign-related IP protection (the rights-protection assistance workstation at "
    "the Sino-Israel (Shanghai) Innovation Park, trade-secret protection points, guidance on overseas "
    "disputes), cross-region cooperation and the resolution of IP disputes"
)

CAPABILITIES: List[Capability] = [
    Capability(
        zh="解答知识产权保护政策问题（如侵权举报、纠纷调解、海外纠纷应对、商业秘密保护），并注明出处。",
        en=(
            "Answer questions on IP protection policy (reporting infringement, dispute mediation, overseas "
            "disputes, trade secrets and more), citing the source document."
        ),
        button_zh="商标侵权怎么举报？",
        button_en="How do I report trademark infringement?",
        payload_zh="商标侵权怎么举报？",
        payload_en="How do I report trademark infringement?",
    ),
    Capability(
        zh=(
            "为您开一张援助工单，由维权工作站（如中以（上海）创新园知识产权维权援助工作站、"
            "商业秘密保护点）的工作人员跟进；之后可凭工单编号和手机号后四位查询进度。"
        ),
        en=(
            "Open an assistance ticket for staff at a workstation (such as the one at the Sino-Israel "
            "(Shanghai) Innovation Park, or a trade-secret protection point) to follow up; you can later "
            "check its status with the ticket number and the last four digits of your phone."
        ),
        button_zh="开一张援助工单",
        button_en="Open an assistance ticket",
        payload_zh="/open_ticket",
        payload_en="/open_ticket",
    ),
    Capability(
        zh="告诉您维权工作站的地址、时间和联系方式，或请工作人员为您服务。",
        en="Tell you where the workstations are and how to reach them, or put you in touch with staff.",
        button_zh="维权工作站在哪？",
        button_en="Where are the workstations?",
        payload_zh="/list_workstations",
        payload_en="/list_workstations",
    ),
    Capability(
        zh="用中文或英文与您交流（说“English please”或“请用中文”即可切换）。",
        en='Talk with you in Chinese or English (say "请用中文" or "English please" to switch).',
    ),
    Capability(
        zh=f"介绍普陀区2023年知识产权行政保护工作实施计划涉及的领域：{PLAN_TOPICS_ZH}。",
        en=(
            "Tell you which areas the Putuo district's 2023 plan for IP administrative protection covers: "
            f"{PLAN_TOPICS_EN}."
        ),
    ),
]


def capabilities_message(language: str) -> Dict[str, Any]:
    """Build the message (text and buttons) listing every capability in ``language``."""
    lines = [text(language, "capabilities_intro")]
    lines += [f"{number}. {cap.text(language)}" for number, cap in enumerate(CAPABILITIES, 1)]
    buttons = [b for b in (cap.button(language) for cap in CAPABILITIES) if b]
    return {"text": "\n".join(lines), "buttons": buttons}


class ActionShowCapabilities(Action):
    """Lists the capabilities in the conversation's language."""

    def name(self) -> Text:
        return "action_show_capabilities"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        message = capabilities_message(conversation_language(tracker))
        dispatcher.utter_message(text=message["text"], buttons=message["buttons"])
        return []
