"""The answer log on a real SQLite database: replies, ratings from the right conversation only, the queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.store import AnswerLog, FeedbackError

CITATION = {
    "doc_id": "how-to-request-mediation",
    "title": "如何申请知识产权纠纷行政调解",
    "section": "申请材料",
    "lang": "zh",
    "source": "计划 二（一）3",
    "excerpt": "…",
}


@pytest.fixture
def log(tmp_path: Path) -> AnswerLog:
    return AnswerLog(f"sqlite:///{tmp_path / 'answers.db'}")


def test_the_queue_holds_uncovered_declined_unsure_and_disliked_replies_only(log: AnswerLog) -> None:
    uncovered = log.record("c1", "zh", "请律师多少钱", "not_covered")
    unsure = log.record("c1", "zh", "调解收费吗", "answered", 0.62, [CITATION])
    sure = log.record("c2", "en", "how do I request mediation", "answered", 0.97, [CITATION])
    disliked = log.record("c3", "zh", "调解要带什么材料", "answered", 0.95, [CITATION])
    declined = log.record("c4", "en", "how much do IP lawyers charge", "declined")
    assert log.rate(disliked, "c3", "down", "wrong", "没说材料")
    assert log.rate(sure, "c2", "up")
    queue = {item.answer_id: item for item in log.queue()}
    assert set(queue) == {uncovered, unsure, disliked, declined}  # not the answer given surely and liked
    whys = [queue[i].why for i in (uncovered, unsure, disliked, declined)]
    assert whys == ["not_covered", "low_confidence", "disliked", "declined"]
    assert (
        queue[disliked].comment == "没说材料"
        and queue[unsure].citations[0]["doc_id"] == "how-to-request-mediation"
    )
    assert (
        "excerpt" not in queue[unsure].citations[0]
    )  # the log keeps where an answer came from, not its text
    assert [item.answer_id for item in log.queue(language="zh")] == [disliked, unsure, uncovered]


def test_a_rating_counts_only_from_the_conversation_that_got_the_reply(log: AnswerLog) -> None:
    answer = log.record("c1", "zh", "调解要带什么材料", "answered", 0.95, [CITATION])
    assert not log.rate(answer, "someone-else", "down", "wrong")
    assert not log.rate("no-such-answer", "c1", "down")
    assert log.get(answer).rating is None
    assert log.rate(answer, "c1", "down", "outdated")
    assert log.rate(answer, "c1", "up")  # changed their mind: the latest counts, the reason goes
    item = log.get(answer)
    assert (item.rating, item.reason) == ("up", None)


def test_contact_details_typed_into_a_question_or_comment_are_masked(log: AnswerLog) -> None:
    answer = log.record("c1", "zh", "我电话13812345678，邮箱anna@example.com，商标被抢注了", "not_covered")
    log.rate(answer, "c1", "down", "other", "请打 021-62345678 联系我")
    item = log.get(answer)
    assert item.question == "我电话138****5678，邮箱a***@example.com，商标被抢注了"
    assert item.comment == "请打 021****5678 联系我"


def test_bad_values_are_refused_and_nothing_is_written(log: AnswerLog) -> None:
    with pytest.raises(FeedbackError):
        log.record("c1", "zh", "问题", "guessed")
    answer = log.record("c1", "zh", "问题", "not_covered")
    with pytest.raises(FeedbackError):
        log.rate(answer, "c1", "sideways")
    with pytest.raises(FeedbackError):
        log.rate(answer, "c1", "down", "because")
    assert log.get(answer).rating is None and len(log.queue()) == 1


def test_staff_mark_replies_handled_or_ignored_and_can_reopen_them(log: AnswerLog) -> None:
    first = log.record("c1", "zh", "请律师多少钱", "not_covered")
    second = log.record("c2", "zh", "找律师要花多少钱", "not_covered")
    assert log.set_review([first, second], "handled", "li.si") == 2
    assert log.queue() == [] and {i.answer_id for i in log.queue("handled")} == {first, second}
    assert log.set_review([first], "open", "li.si") == 1
    assert [i.answer_id for i in log.queue()] == [first]
    with pytest.raises(FeedbackError):
        log.set_review([first], "deleted", "li.si")


def test_the_log_shares_the_ticket_database_without_touching_its_tables(tmp_path: Path) -> None:
    from tickets.store import TicketStore

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    tickets, log = TicketStore(url), AnswerLog(url)
    log.record("c1", "zh", "请律师多少钱", "not_covered")
    assert tickets.list() == [] and len(log.queue()) == 1
    AnswerLog(url)  # opening again migrates nothing twice
    TicketStore(url)
