"""``action_record_feedback``: a user's 👍/👎 on an answer, with an optional reason, into the answer log.

The chat page sends ``/feedback{"answer_id": "...", "rating": "down", "reason": "wrong", "comment": "..."}``
(REST clients may send the same). Without an ``answer_id`` the rating is of the conversation's last answer,
and without a ``rating`` its words decide ("/feedback 这个回答不对" is a 👎). The intent is payload-only:
the NLU has no typed examples of it, which would move its confidence on real questions. A rating counts only
for an answer of the same conversation. A 👎 lands in the staff review queue.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_log import answer_log
from actions.buttons import ask_something_else_button, open_ticket_button
from actions.language import conversation_language
from actions.texts import text
from feedback.models import RATINGS, REASONS

logger = logging.getLogger(__name__)

# Typed feedback is a 👎 when it says so; anything else the NLU calls feedback ("有用", "helpful") is a 👍.
_NEGATIVE = re.compile(
    r"👎|没用|没有用|无用|没帮助|没有帮助|不太?对|错|不准确?|不正确|答非所问|不是我问的|过时|"
    r"not (?:helpful|useful|right|correct|what i asked)|unhelpful|useless|wrong|incorrect|outdated",
    re.I,
)


def entity(tracker: Tracker, name: str) -> Optional[str]:
    for item in (tracker.latest_message or {}).get("entities") or []:
        if item.get("entity") == name and item.get("value") not in (None, ""):
            return str(item["value"])
    return None


def rating_of(tracker: Tracker) -> str:
    """The rating the payload names, else the one the typed words say."""
    rating = entity(tracker, "rating")
    if rating in RATINGS:
        return rating
    return "down" if _NEGATIVE.search((tracker.latest_message or {}).get("text") or "") else "up"


class ActionRecordFeedback(Action):
    """Store a rating of one of this conversation's answers and thank the user."""

    def name(self) -> Text:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = conversation_language(tracker)
        rating = rating_of(tracker)
        reason = entity(tracker, "reason")
        reason = reason if reason in REASONS else None
        comment = entity(tracker, "comment")

        def record() -> bool:  # one trip to the database thread; the log drops a reason of a 👍 itself
            log = answer_log()
            answer_id = entity(tracker, "answer_id") or log.latest_answer(tracker.sender_id)
            return bool(answer_id) and log.rate(answer_id, tracker.sender_id, rating, reason, comment)

        try:
            recorded = await asyncio.to_thread(record)
        except Exception:  # the user is thanked all the same; the log says what went wrong
            logger.exception("a rating could not be recorded")
            recorded = True
        if not recorded:
            dispatcher.utter_message(text=text(language, "feedback_nothing_to_rate"))
        elif rating == "down":
            buttons = [open_ticket_button(language), ask_something_else_button(language)]
            dispatcher.utter_message(text=text(language, "feedback_thanks_down"), buttons=buttons)
        else:
            dispatcher.utter_message(text=text(language, "feedback_thanks_up"))
        return []
