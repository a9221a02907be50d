"""``action_answer_from_knowledge`` with real Trackers, a real dispatcher and a real small index."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_answer
from actions.knowledge_answer import ActionAnswerFromKnowledge, looks_like_a_question
from knowledge.base import KnowledgeBase
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.queries import clean_query
from tests.actions.conftest import make_tracker
from tests.knowledge.conftest import write_doc

pytestmark = pytest.mark.slow


def tracker(
    text: str,
    language: str,
    intent: str = "ask_policy",
    confidence: float = 0.9,
    metadata: dict | None = None,
    slots: dict | None = None,
) -> Tracker:
    return make_tracker(
        {"language": language, **(slots or {})}, text, intent, None, None, confidence, metadata
    )


def run_with_events(
    text: str,
    language: str,
    intent: str = "ask_policy",
    confidence: float = 0.9,
    metadata: dict | None = None,
    slots: dict | None = None,
) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ActionAnswerFromKnowledge().run(
            dispatcher, tracker(text, language, intent, confidence, metadata, slots), {}
        )
    )
    return dispatcher.messages, events


def run(text: str, language: str, **kwargs) -> list[dict]:
    """The messages; an answer (with citations) remembers what it answered for a follow-up; a question left
    unanswered before any answer remembers itself, with no document; nothing else remembers anything."""
    messages, events = run_with_events(text, language, **kwargs)
    answered = any((m.get("custom") or {}).get("citations") for m in messages)
    slots = {e["name"]: e["value"] for e in events}
    if answered:
        cited = messages[0]["custom"]["citations"][0]["doc_id"]
        assert slots["knowledge_doc"] == cited and set(slots) == {"knowledge_question", "knowledge_doc"}
    elif (kwargs.get("slots") or {}).get("knowledge_doc"):
        assert events == []  # an earlier answer stays what a follow-up leans on
    else:
        # as searched: without a greeting or the asker's phone number
        assert slots in ({}, {"knowledge_question": clean_query(text), "knowledge_doc": None})
    return messages


@pytest.fixture
def live_base(corpus: Path, model_dir: str, embedder, monkeypatch) -> KnowledgeLibrary:
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    library.rebuild()
    base = KnowledgeBase(corpus.parent / "index", model_dir, embedder=embedder)
    monkeypatch.setattr(knowledge_answer, "_base", base)
    monkeypatch.setenv(
        "FEEDBACK_DATABASE_URL", f"sqlite:///{corpus.parent / 'answers.db'}"
    )  # a log of its own
    return library


def test_chinese_question_gets_a_chinese_answer_with_its_source(live_base) -> None:
    [message] = run("假冒我们注册商标的商品去哪里举报", "zh")  # text, buttons and citations together
    assert message["text"].startswith("根据《商标侵权举报》：")
    assert "来源：商标侵权举报（test corpus；更新于 2023-04-13）" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/open_ticket", "/ask_something_else"]
    assert message["custom"]["type"] == "citations" and message["custom"]["language"] == "zh"
    citation = message["custom"]["citations"][0]
    assert citation["doc_id"] == "report" and citation["lang"] == "zh" and citation["source"] == "test corpus"


def test_a_client_that_lists_the_sources_itself_gets_no_source_line(live_base) -> None:
    [message] = run("假冒我们注册商标的商品去哪里举报", "zh", metadata={"renders": ["citations"]})
    assert message["text"].startswith("根据《商标侵权举报》：")
    assert "来源" not in message["text"]
    assert message["custom"]["citations"][0]["doc_id"] == "report"


def test_english_question_gets_an_english_answer(live_base) -> None:
    [message] = run("can a confirmed mediation agreement be enforced", "en")
    assert message["text"].startswith('From "Administrative mediation of patent disputes":')
    assert message["custom"]["language"] == "en"
    assert message["custom"]["citations"][0]["lang"] == "en"


def test_english_question_answered_by_a_chinese_only_document_says_so(live_base) -> None:
    [message] = run("how does the park's trade secret protection point help firms", "en")
    assert message["text"].startswith("(This passage is available in Chinese only.)")
    assert message["custom"]["citations"][0]["doc_id"] == "secrets"


@pytest.mark.parametrize(
    ("text", "language"), [("今天天气怎么样", "zh"), ("recommend a good restaurant nearby", "en")]
)
def test_unrelated_question_gets_the_honest_fallback_and_no_passage(live_base, text, language) -> None:
    # The NLU would not be sure that these are policy questions: the search keeps its full strictness.
    [message] = run(text, language, confidence=0.6)
    assert message["response"] == "utter_knowledge_not_found"
    assert message["text"] is None and not (message.get("custom") or {}).get("citations")
    assert message["custom"] == {"type": "rateable", "answer_id": message["custom"]["answer_id"]}  # rateable


def test_staff_changes_are_answered_without_a_restart(live_base: KnowledgeLibrary, corpus: Path) -> None:
    write_doc(
        corpus,
        "zh",
        "fair",
        "展会知识产权保护",
        "展会期间发现展品侵犯专利权的，可以向展会知识产权投诉站投诉。",
    )
    live_base.rebuild()
    [message] = run("展会上发现展品侵犯我们的专利", "zh")
    assert message["text"].startswith("根据《展会知识产权保护》")


def test_nlu_fallback_searches_only_question_like_messages(live_base) -> None:
    [message] = run("asdf qwer", "en", intent="nlu_fallback")
    assert message["response"] == "utter_default"
    [message] = run("what should I prepare to report fake trademark goods?", "en", intent="nlu_fallback")
    assert message["text"].startswith('From "Reporting trademark infringement"')


def test_a_missing_index_gets_a_polite_unavailable_reply(tmp_path: Path, model_dir, monkeypatch) -> None:
    monkeypatch.setattr(knowledge_answer, "_base", KnowledgeBase(tmp_path / "no-index", model_dir))
    [message] = run("商标侵权怎么举报", "zh")
    assert message["response"] == "utter_knowledge_unavailable"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("商标侵权怎么办", True),
        ("how do i report fakes", True),
        ("我们公司的商标被别人使用了", True),
        ("ok", False),
        ("嗯嗯", False),
        ("/greet", False),
        ("", False),
    ],
)
def test_question_likeness(text: str, expected: bool) -> None:
    assert looks_like_a_question(text) is expected


def test_a_follow_up_is_answered_with_the_previous_question_and_says_what_it_took_it_to_be_about(
    live_base,
) -> None:
    messages, events = run_with_events("员工离职带走技术资料，园区有什么帮助", "zh")
    assert messages[0]["custom"]["citations"][0]["doc_id"] == "secrets"
    slots = {e["name"]: e["value"] for e in events}
    [message] = run("那怎么找它帮忙？", "zh", slots=slots)
    assert message["text"].startswith("关于《商业秘密保护点》：")
    assert message["custom"]["citations"][0]["doc_id"] == "secrets"


def test_the_nlu_confidence_comes_from_the_intent_ranking() -> None:
    ranking = [{"name": "out_of_scope", "confidence": 0.7}, {"name": "ask_policy", "confidence": 0.3}]
    assert knowledge_answer.policy_confidence({"intent": ranking[0], "intent_ranking": ranking}) == 0.3
    assert knowledge_answer.policy_confidence({"intent": {"name": "ask_policy", "confidence": 0.9}}) == 0.9
    assert knowledge_answer.policy_confidence({"intent": {"name": "greet", "confidence": 1.0}}) == 0.0
    assert knowledge_answer.policy_confidence({}) is None


@pytest.mark.parametrize(
    ("text", "language"), [("外资企业所得税怎么交", "zh"), ("how much do IP lawyers charge", "en")]
)
def test_a_message_the_nlu_declines_gets_the_polite_decline(live_base, text, language) -> None:
    [message] = run(text, language, intent="out_of_scope", confidence=0.9)
    assert message["response"] == "utter_out_of_scope"
    assert set(message["custom"]) == {"type", "answer_id"}  # no passage; the user can still rate the decline


def test_a_follow_up_the_nlu_declines_is_answered_with_the_previous_question(live_base) -> None:
    # The NLU reads "and if they don't comply?" alone and takes it for out of scope; after an answer it follows up.
    messages, events = run_with_events("can a patent dispute be mediated by the district?", "en")
    assert messages[0]["custom"]["citations"][0]["doc_id"] == "mediation"
    slots = {e["name"]: e["value"] for e in events}
    [alone] = run("and if they don't comply?", "en", intent="out_of_scope", confidence=0.8)
    assert alone["response"] == "utter_out_of_scope"
    [message] = run("and if they don't comply?", "en", intent="out_of_scope", confidence=0.8, slots=slots)
    assert message["custom"]["citations"][0]["doc_id"] == "mediation"


def test_a_declined_message_gets_the_decline_when_the_index_is_missing(
    tmp_path: Path, model_dir, monkeypatch
) -> None:
    monkeypatch.setattr(knowledge_answer, "_base", KnowledgeBase(tmp_path / "no-index", model_dir))
    [message] = run("外资企业所得税怎么交", "zh", intent="out_of_scope")
    assert message["response"] == "utter_out_of_scope"


def test_every_reply_is_in_the_answer_log_and_an_answer_names_its_log_entry(live_base) -> None:
    from actions.answer_log import answer_log

    [answered] = run("假冒我们注册商标的商品去哪里举报", "zh")
    answer_id = answered["custom"]["answer_id"]
    entry = answer_log().get(answer_id)
    assert entry.outcome == "answered" and entry.question == "假冒我们注册商标的商品去哪里举报"
    assert entry.citations[0]["doc_id"] == answered["custom"]["citations"][0]["doc_id"]
    [uncovered] = run("请问明天上海天气怎么样，电话13812345678", "zh")
    assert answer_log().get(uncovered["custom"]["answer_id"]).outcome == "not_covered"
    queued = [item for item in answer_log().queue() if item.outcome == "not_covered"]
    assert [item.question for item in queued] == ["请问明天上海天气怎么样，电话138****5678"]


def test_the_action_servers_warm_up_opens_the_answer_log_and_the_tickets(
    live_base, corpus, monkeypatch
) -> None:
    """Opened (and migrated) at start-up, not by the first user's answer or ticket."""
    from actions.server import warm_up

    tickets = corpus.parent / "tickets-warm.db"
    monkeypatch.setenv("TICKETS_DATABASE_URL", f"sqlite:///{tickets}")
    assert warm_up() > 0
    for database in (corpus.parent / "answers.db", tickets):
        with sqlite3.connect(database) as connection:
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        assert len(tables) >= 2, (database, tables)


def test_an_unanswered_question_offers_the_documents_that_came_closest(live_base) -> None:
    """Mediation or reporting: both documents come close, neither answers which is better."""
    not_covered, related = run("调解和举报哪个好", "zh")
    assert not_covered["response"] == "utter_knowledge_not_found"
    assert related["text"] == "以下文件与您的问题最接近，可以点击查看它们讲了什么："
    assert not (related.get("custom") or {}).get("citations")  # titles only, no passage
    assert not_covered.get("buttons") in (
        None,
        [],
    )  # the offers come last, where a chat page keeps them active
    titles = ["专利纠纷行政调解", "商标侵权举报", "开一张援助工单", "问其他问题"]
    assert [b["title"] for b in related["buttons"]] == titles
    # Choosing one asks what the document says, in the user's words, and that is answered from it.
    payload = related["buttons"][1]["payload"]
    assert payload == "《商标侵权举报》讲了什么？"
    [answer] = run(payload, "zh")
    assert answer["custom"]["citations"][0]["doc_id"] == "report"


def test_a_question_left_unanswered_is_what_its_follow_up_may_complete(live_base) -> None:
    """Unanswered before any answer, the question is remembered without a document; the follow-up, itself
    unanswered alone, is searched together with it. An earlier answer is not replaced by an unanswered
    question."""
    messages, events = run_with_events("在国外", "zh")
    assert not any((m.get("custom") or {}).get("citations") for m in messages)
    slots = {e["name"]: e["value"] for e in events}
    assert slots == {"knowledge_question": "在国外", "knowledge_doc": None}
    [alone] = run("被起诉了怎么办", "zh")
    assert not (alone.get("custom") or {}).get("citations")
    [answer] = run("被起诉了怎么办", "zh", slots=slots)
    assert answer["custom"]["citations"][0]["doc_id"] == "overseas"
    answered = {"knowledge_question": "假冒商标的商品去哪举报", "knowledge_doc": "report"}
    messages, kept = run_with_events("tell me a joke", "en", intent="out_of_scope", slots=answered)
    assert kept == [] and not any((m.get("custom") or {}).get("citations") for m in messages)
