"""``action_record_feedback`` with real Trackers and a real answer log: the chat page's payload, typed
ratings, and ratings that name another conversation's answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_log import answer_log
from actions.feedback_actions import ActionRecordFeedback
from tests.actions.conftest import make_tracker


@pytest.fixture(autouse=True)
def log_url(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FEEDBACK_DATABASE_URL", f"sqlite:///{tmp_path / 'answers.db'}")


def rate(text: str, entities: dict, language: str = "zh", sender: str = "test") -> list:
    tracker = make_tracker({"language": language}, text, "feedback")
    tracker.latest_message["entities"] = [{"entity": k, "value": v} for k, v in entities.items()]
    tracker.sender_id = sender
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionRecordFeedback().run(dispatcher, tracker, {})) == []
    return dispatcher.messages


def test_the_chat_pages_thumbs_down_with_a_reason_lands_in_the_review_queue() -> None:
    answer = answer_log().record("test", "zh", "调解要带什么材料", "answered", 0.95)
    payload = {"answer_id": answer, "rating": "down", "reason": "outdated", "comment": "材料清单变了"}
    [reply] = rate('/feedback{"rating": "down"}', payload)
    assert "工作人员会查看" in reply["text"] and reply["buttons"]
    item = answer_log().get(answer)
    assert (item.rating, item.reason, item.comment, item.why) == (
        "down",
        "outdated",
        "材料清单变了",
        "disliked",
    )


def test_a_thumbs_up_thanks_the_user_in_their_language() -> None:
    answer = answer_log().record("test", "en", "how do I request mediation", "answered", 0.95)
    [reply] = rate("/feedback", {"answer_id": answer, "rating": "up"}, language="en")
    assert reply["text"] == "Thank you for your feedback!"
    assert answer_log().get(answer).rating == "up"


@pytest.mark.parametrize(
    ("typed", "rating"),
    [("你这个回答不太对", "down"), ("this answer is useless", "down"), ("回答很有帮助", "up")],
)
def test_typed_feedback_rates_the_conversations_last_answer_by_its_words(typed: str, rating: str) -> None:
    log = answer_log()
    earlier = log.record("test", "zh", "商标侵权怎么举报", "answered", 0.9)
    latest = log.record("test", "zh", "调解要带什么材料", "answered", 0.9)
    log.record("test", "zh", "请律师多少钱", "not_covered")  # not an answer: not what is rated
    rate(typed, {})
    assert (log.get(latest).rating, log.get(earlier).rating) == (rating, None)


def test_a_rating_of_another_conversations_answer_changes_nothing() -> None:
    answer = answer_log().record("someone-else", "zh", "调解要带什么材料", "answered", 0.9)
    [reply] = rate("/feedback", {"answer_id": answer, "rating": "down", "reason": "wrong"})
    assert "还没有可以评价的回答" in reply["text"]
    assert answer_log().get(answer).rating is None


def test_an_unknown_reason_is_dropped_not_stored() -> None:
    answer = answer_log().record("test", "zh", "调解要带什么材料", "answered", 0.9)
    rate("/feedback", {"answer_id": answer, "rating": "down", "reason": "<script>"})
    assert (answer_log().get(answer).rating, answer_log().get(answer).reason) == ("down", None)
