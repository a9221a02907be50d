"""``action_answer_from_knowledge``: answer a policy question from the knowledge base, with its source.

Search runs in a worker thread (query encoding is CPU work) so the action server keeps serving other
conversations. The knowledge base reloads by itself when staff publish a new index. A follow-up ("那需要什么
材料？") is read with the question the last answer answered, kept in the ``knowledge_question`` and
``knowledge_doc`` slots. Below the calibrated confidence the user hears honestly that the documents do not
cover the question; a missing or broken index gets a polite "temporarily unavailable" and an error in the
log. A message the NLU takes for out of scope comes here too: it is answered only as a follow-up of the last
answer or when the scope classifier is sure it is about the plan (``knowledge.answering``), and otherwise
gets the polite decline. Never an unrelated passage.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Text, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_composer import compose_answer
from actions.answer_log import record_reply
from actions.buttons import ask_about_document_button, ask_something_else_button, open_ticket_button
from actions.channel import renders_citations
from actions.language import conversation_language
from actions.settings import get_settings
from actions.texts import text as catalogue_text
from bilingual import cjk_count, is_question, latin_word_count
from knowledge.answering import Answer, Context, next_context
from knowledge.base import KnowledgeBase
from knowledge.errors import KnowledgeError
from knowledge.search_result import SearchResult

logger = logging.getLogger(__name__)

_base: Optional[KnowledgeBase] = None
_base_lock = threading.Lock()
# Every search runs in this one thread, warm-up included. Query encoding already uses every core it is
# given, and several searches at once only make each slower. Torch also keeps a team of worker threads per
# calling thread, spinning for a while after each call: searches spread over the default executor's threads
# ran at 60-100 ms instead of ~40 ms, measured here. A request whose caller has given up (Rasa's timeout)
# leaves the queue unsearched (cancelling the awaiting future cancels the job not yet started).
_search_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="knowledge-search")

T = TypeVar("T")


async def in_search_thread(function: Callable[..., T], *args: Any) -> T:
    """Run ``function(*args)`` in the search thread, without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_search_thread, function, *args)


async def _answer(
    text: str, language: str, context: Optional[Context], nlu_policy: Optional[float], declined: bool
) -> Answer:
    return await in_search_thread(knowledge_base().answer, text, language, context, 3, nlu_policy, declined)


def policy_confidence(message: Dict[str, Any]) -> Optional[float]:
    """The NLU's confidence that the message is a policy question (``ask_policy`` in its intent ranking),
    one of the signals of the answer confidence; None when the message carries no NLU result."""
    ranking = message.get("intent_ranking") or []
    for item in ranking:
        if item.get("name") == "ask_policy":
            return float(item.get("confidence") or 0.0)
    intent = message.get("intent") or {}
    if intent.get("name") == "ask_policy":
        return float(intent.get("confidence") or 0.0)
    return 0.0 if ranking or intent.get("name") else None


def conversation_context(tracker: Tracker) -> Optional[Context]:
    """What the last knowledge answer of this conversation answered, or, before any answer, the question last
    left unanswered (``knowledge_doc`` empty); None at the start."""
    question, doc = tracker.get_slot("knowledge_question"), tracker.get_slot("knowledge_doc")
    if not (isinstance(question, str) and question):
        return None
    return Context(question, doc if isinstance(doc, str) else "")


def context_events(context: Optional[Context], previous: Optional[Context]) -> List[Dict[Text, Any]]:
    """The slots that carry ``context`` to the next turn (none when it is already what they hold)."""
    if context is None or context == previous:
        return []
    return [SlotSet("knowledge_question", context.question), SlotSet("knowledge_doc", context.family or None)]


def knowledge_base() -> KnowledgeBase:
    """The process-wide knowledge base (created on first use; it loads lazily and reloads itself)."""
    global _base
    if _base is None:
        with _base_lock:
            if _base is None:
                _base = KnowledgeBase.from_settings(get_settings())
    return _base


def looks_like_a_question(text: str) -> bool:
    """Worth a knowledge search even though NLU was unsure: a question, or a substantial statement."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return False
    substantial = cjk_count(text) >= 6 or latin_word_count(text) >= 4
    return is_question(text) or substantial


def _question(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def offer_buttons(language: str) -> List[Dict[str, str]]:
    """The follow-ups offered with every answer (or non-answer): a person's help, or another question."""
    return [open_ticket_button(language), ask_something_else_button(language)]


async def no_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    language: str,
    declined: bool,
    response: str,
    related: Sequence[SearchResult] = (),
) -> List[Dict[Text, Any]]:
    """No passage for the user: a message the NLU declined keeps its polite decline; any other gets
    ``response`` ("not covered", "temporarily unavailable") and the usual offers. A decline and a "not
    covered" go to the answer log, where staff review them, and carry its id so the user can rate them.

    ``related``: the documents that came closest to an uncovered question. A second message names them,
    each a button asking what the document says (titles only, never a passage), and carries the usual
    offers too: a chat page keeps only the last message's buttons active."""
    custom = None
    if response == "utter_knowledge_not_found" or declined:
        outcome = "declined" if declined else "not_covered"
        answer_id = await record_reply(tracker.sender_id, language, _question(tracker), outcome)
        custom = {"type": "rateable", "answer_id": answer_id} if answer_id else None
    if declined:
        dispatcher.utter_message(response="utter_out_of_scope", json_message=custom)
    elif related:
        dispatcher.utter_message(response=response, json_message=custom)
        documents = [ask_about_document_button(r.chunk.title, language) for r in related]
        dispatcher.utter_message(
            text=catalogue_text(language, "related_documents"), buttons=documents + offer_buttons(language)
        )
    else:
        dispatcher.utter_message(response=response, buttons=offer_buttons(language), json_message=custom)
    return []


class ActionAnswerFromKnowledge(Action):
    """Search the policy knowledge base in the user's language and answer with citations."""

    def name(self) -> Text:
        return "action_answer_from_knowledge"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        language = conversation_language(tracker)
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        intent = (message.get("intent") or {}).get("name")
        if intent == "nlu_fallback" and not looks_like_a_question(text):
            dispatcher.utter_message(response="utter_default")
            return []
        declined = intent == "out_of_scope"  # answered only as a follow-up or when surely about the plan
        previous = conversation_context(tracker)
        try:
            answer = await _answer(text, language, previous, policy_confidence(message), declined)
        except Exception as error:  # never leave the user without an answer
            if isinstance(error, KnowledgeError):
                logger.error("knowledge base unavailable: %s", error)
            else:
                logger.exception("knowledge search failed")
            return await no_answer(dispatcher, tracker, language, declined, "utter_knowledge_unavailable")
        logger.info(
            "knowledge search lang=%s intent=%s follow_up=%s results=%s",
            language,
            intent,
            answer.follow_up,
            [(r.chunk.chunk_id, round(r.probability, 3), r.confident) for r in answer.results],
        )
        if not answer.confident:
            not_found = "utter_knowledge_not_found"
            await no_answer(dispatcher, tracker, language, declined, not_found, answer.related)
            return context_events(next_context(answer, previous), previous)
        composed = compose_answer(answer, language, source_line=not renders_citations(tracker))
        best = answer.results[0]
        answer_id = await record_reply(
            tracker.sender_id, language, text, "answered", best.probability, composed["citations"]
        )
        # Text, buttons and citations travel as one bot message, so no client can show one without the other.
        dispatcher.utter_message(
            text=composed["text"],
            buttons=offer_buttons(language),
            # answer_id: what a 👍/👎 on this answer names (the chat page sends it back, REST clients may too)
            json_message={
                "type": "citations",
                "language": language,
                "citations": composed["citations"],
                "answer_id": answer_id,
            },
        )
        return context_events(answer.context, previous)
