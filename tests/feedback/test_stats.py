"""The dashboard's figures from a real answer log: per local day, outcomes, ratings, documents cited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import update

from feedback.models import AnswerRecord
from feedback.stats import LOCAL, summarise
from feedback.store import AnswerLog

TODAY = dt.date(2026, 12, 7)


def _at(log: AnswerLog, answer_id: str, day: dt.date, hour: int = 10) -> None:
    moment = dt.datetime.combine(day, dt.time(hour), LOCAL)
    with log.sessions.begin() as session:
        session.execute(
            update(AnswerRecord).where(AnswerRecord.answer_id == answer_id).values(created_at=moment)
        )


def test_figures_per_local_day_outcome_language_and_document(tmp_path: Path) -> None:
    log = AnswerLog(f"sqlite:///{tmp_path / 'a.db'}")
    mediation = [{"doc_id": "how-to-request-mediation", "title": "如何申请知识产权纠纷行政调解"}]
    a = log.record("c1", "zh", "调解要带什么材料", "answered", 0.95, mediation)
    b = log.record("c2", "zh", "调解收费吗", "answered", 0.62, mediation)
    c = log.record("c3", "en", "how much do IP lawyers charge", "declined")
    d = log.record("c4", "zh", "请律师多少钱", "not_covered")
    old = log.record("c5", "zh", "太久以前的问题", "not_covered")
    log.rate(a, "c1", "up")
    log.rate(b, "c2", "down", "wrong")
    _at(log, a, TODAY)
    _at(log, b, TODAY - dt.timedelta(days=1), hour=1)  # 01:00 Beijing time is still that day
    _at(log, c, TODAY)
    _at(log, d, TODAY - dt.timedelta(days=6))
    _at(log, old, TODAY - dt.timedelta(days=7))  # outside a 7-day window
    week = summarise(log, 7, today=TODAY)
    assert week.total == 4 and len(week.days) == 7 and week.days[-1] == TODAY
    assert week.outcomes == {"answered": 2, "declined": 1, "not_covered": 1}
    assert (week.rated_up, week.rated_down, week.unsure) == (1, 1, 1)
    assert week.per_day[TODAY] == {"answered": 1, "declined": 1}
    assert week.per_day[TODAY - dt.timedelta(days=1)] == {"answered": 1}
    assert week.cited == {"如何申请知识产权纠纷行政调解": 2}
    assert week.languages == {"zh": 3, "en": 1} and week.share(2) == 0.5 and week.busiest == 2
    english = summarise(log, 7, "en", today=TODAY)
    assert english.total == 1 and english.outcomes == {"declined": 1}
    assert summarise(log, 30, today=TODAY).total == 5
